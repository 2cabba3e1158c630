import Foundation
@testable import GreenticFixtureServer
import GreenticTestKit
import GreenticTestKitTesting
import ScenarioDSL
import Simulators
import TestSupport
import Synchronization
import Testing

/// Who can reach a Direct Line conversation, and how much a client can make the server hold.
@Suite("Direct Line access and bounds", .tags(.server))
struct DirectLineAccessTests {
    static func bearer(_ token: String) -> [(String, String)] { [("Authorization", "Bearer \(token)")] }

    static let hi = Data(#"{"type":"message","from":{"id":"mallory"},"text":"hi"}"#.utf8)

    /// Finding 1: with no token (or someone else's), a client read another user's transcript
    /// and posted into it as its owner — also with `server.auth_token` set.
    @Test(.testEnv(), arguments: [nil, "server-secret-token"] as [String?])
    func aConversationIsReachableOnlyWithItsOwnToken(serverToken: String?) async throws {
        let env = try TestEnv.required()
        let c = try await HTTPTestClient.fixtureServer(in: env) { $0.authToken = serverToken }
        let started = try #require(try await c.post("/conversations", json: ["tenant": "acme", "user": "alice"]).json)
        let id = try #require(started["conversationId"]?.stringValue)
        let alice = try #require(started["token"]?.stringValue)
        let path = "/conversations/\(id)/activities"
        let posted = try await c.send(.POST, path, body: Data(#"{"type":"message","text":"my secret"}"#.utf8), headers: Self.bearer(alice))
        #expect(posted.status == 202 && posted.json?["accepted"] == true, "\(posted.text)")
        let before = try #require(try await c.send(.GET, path, headers: Self.bearer(alice)).json?["activities"]?.arrayValue)

        let mallory = try #require(try await c.post("/conversations", json: [:]).json?["token"]?.stringValue)
        let unbound = try #require(try await c.post("/tokens/generate", json: [:]).json?["token"]?.stringValue)
        for prefix in ["", "/v3/directline"] {
            let route = prefix + path
            let attempts: [(headers: [(String, String)], status: Int, code: String)] = [
                ([], 401, "missing_token"), (Self.bearer("not-a-token"), 401, "invalid_token"), ([("Authorization", "Basic YTpi")], 401, "invalid_token"),
                (Self.bearer(mallory), 403, "wrong_conversation"), (Self.bearer(unbound), 403, "wrong_conversation"),
            ] + (serverToken.map { [(Self.bearer($0), 401, "invalid_token")] } ?? [])
            for attempt in attempts {
                let read = try await c.send(.GET, route, headers: attempt.headers)
                #expect(read.status == attempt.status && read.errorCode == attempt.code, "GET \(route) \(attempt.headers): \(read.status) \(read.text)")
                #expect(!read.text.contains("my secret"))
                let write = try await c.send(.POST, route, body: Self.hi, headers: attempt.headers)
                #expect(write.status == attempt.status && write.errorCode == attempt.code, "POST \(route) \(attempt.headers): \(write.status) \(write.text)")
            }
        }
        let after = try #require(try await c.send(.GET, path, headers: Self.bearer(alice)).json?["activities"]?.arrayValue)
        #expect(after == before, "nothing was added by the refused posts")
        #expect(after.allSatisfy { $0.value(atPath: "from.id") != "mallory" })

        // The runner event log names conversations: with a server token, reading it needs that token.
        let events = try await c.get("/runner/events")
        if let serverToken {
            #expect(events.status == 401 && events.errorCode == "unauthorized")
            let allowed = try await c.send(.GET, "/runner/events", headers: Self.bearer(serverToken))
            #expect(allowed.status == 200 && allowed.text.contains(id))
        } else {
            #expect(events.status == 200)
        }
    }

    /// Finding 3: 10,000 anonymous creations evicted a live conversation.
    @Test(.testEnv())
    func aFloodOfNewConversationsIsRefusedAndEvictsNoLiveOne() async throws {
        let env = try TestEnv.required()
        let c = try await HTTPTestClient.fixtureServer(in: env) { $0.webchat.maxConversations = 20 }
        let live = try #require(try await c.post("/conversations", json: [:]).json)
        let id = try #require(live["conversationId"]?.stringValue)
        let token = try #require(live["token"]?.stringValue)
        var refused: HTTPResult?
        for _ in 0..<40 {
            let r = try await c.post("/conversations", json: [:])
            if r.status != 200 {
                refused = r
                break
            }
        }
        let refusal = try #require(refused, "the 21st conversation was accepted")
        #expect(refusal.status == 429 && refusal.errorCode == "too_many_conversations", "\(refusal.text)")
        #expect(refusal.text.contains("webchat.max_conversations (20)"))
        let v3 = try await c.post("/v3/directline/conversations", json: [:])
        #expect(v3.status == 401, "a /v3 start still needs a token first")
        let read = try await c.send(.GET, "/conversations/\(id)/activities", headers: Self.bearer(token))
        #expect(read.status == 200, "the live conversation is still there: \(read.text)")
    }

    @Test func anIdleConversationMakesRoomAndAStreamedOneNeverDoes() async throws {
        let clock = ManualClock()
        let conversations = DirectLineConversations(maxConversations: 2, idleBeforeEviction: .seconds(10), now: { clock.now })
        let a = try #require(await conversations.start(user: "a", env: "dev", tenant: "t", team: nil))
        let b = try #require(await conversations.start(user: "b", env: "dev", tenant: "t", team: nil))
        clock.advance(seconds: 5)
        #expect(await conversations.start(user: "c", env: "dev", tenant: "t", team: nil) == nil, "both are in use")
        clock.advance(seconds: 4)
        _ = await conversations.activities(of: b, after: nil)
        clock.advance(seconds: 2)
        let c = try #require(await conversations.start(user: "c", env: "dev", tenant: "t", team: nil), "a was idle for 11 s")
        #expect(await conversations.context(of: a) == nil)
        #expect(await conversations.context(of: b) != nil)
        let subscription = try #require(await conversations.subscribe(c, after: nil))
        clock.advance(seconds: 60)
        let d = try #require(await conversations.start(user: "d", env: "dev", tenant: "t", team: nil), "b is idle")
        #expect(await conversations.context(of: b) == nil)
        #expect(await conversations.context(of: c) != nil)
        clock.advance(seconds: 60)
        _ = await conversations.activities(of: d, after: nil)
        #expect(await conversations.start(user: "e", env: "dev", tenant: "t", team: nil) == nil, "c has a stream, d was just read")
        await conversations.unsubscribe(c, token: subscription.token)
    }

    /// Finding 3: 60 KB activities grew memory without a cap.
    @Test func historyIsBoundedInBytesAndTheNewestActivityStays() async throws {
        let conversations = DirectLineConversations(maxActivities: 1000, maxBytes: 10_000)
        let id = try #require(await conversations.start(user: "u", env: "dev", tenant: "t", team: nil))
        for n in 1...50 { _ = await conversations.append([["type": "message", "text": .string(String(repeating: "x", count: 1000) + "\(n)")]], to: id) }
        let kept = try #require(await conversations.activities(of: id, after: nil))
        #expect(await conversations.storedBytes <= 10_000)
        #expect(kept.activities.count >= 8 && kept.activities.count < 10, "\(kept.activities.count)")
        #expect(kept.activities.last?["watermark"] == "50" && kept.watermark == 50)
        _ = await conversations.append([["type": "message", "text": .string(String(repeating: "y", count: 20_000))]], to: id)
        #expect(try #require(await conversations.activities(of: id, after: nil)).activities.map(\.["watermark"]) == ["51"])
    }

    /// Finding 5: refreshing kept a token alive forever.
    @Test func refreshingStopsAtTheMaximumLifetime() throws {
        let signer = DirectLineTokenSigner(secret: Array("a-secret-of-enough-bytes".utf8), lifetime: 60, maxLifetime: 100)
        let first = signer.issue(user: "u", env: "dev", tenant: "t", team: nil, now: 1000)
        let second = try signer.refresh(try signer.verify(first.token, now: 1050), now: 1050)
        #expect(second.claims.authTime == 1000 && second.claims.expires == 1100, "capped at the chain's end")
        let third = try signer.refresh(try signer.verify(second.token, now: 1099), now: 1099)
        #expect(third.claims.expires == 1100)
        #expect(throws: DirectLineTokenError.lifetimeExceeded(100)) { try signer.refresh(try signer.verify(third.token, now: 1100), now: 1100) }
    }

    @Test(.testEnv())
    func refreshOverHTTPKeepsTheChainsStartAndTheBearerSchemeIsCaseInsensitive() async throws {
        let env = try TestEnv.required()
        let c = try await HTTPTestClient.fixtureServer(in: env) { $0.webchat = WebChatConfig(tokenLifetime: 600, maxTokenLifetime: 900) }
        let issued = try #require(try await c.post("/v3/directline/tokens/generate", json: [:]).json?["token"]?.stringValue)
        let refreshed = try #require(try await c.send(.POST, "/v3/directline/tokens/refresh", headers: [("authorization", "bearer  \(issued)")]).json)
        let first = try #require(DirectLineContract.claims(of: issued))
        let refreshedToken = try #require(refreshed["token"]?.stringValue)
        let second = try #require(DirectLineContract.claims(of: refreshedToken))
        #expect(second["auth_time"] == first["auth_time"] && first["auth_time"] == first["iat"])
        #expect(try #require(refreshed["expires_in"]?.intValue) <= 600)
        let started = try await c.send(.POST, "/v3/directline/conversations", body: Data("{}".utf8), headers: [("Authorization", "BEARER \(issued)")])
        #expect(started.status == 201, "\(started.text)")
        let boundToken = try #require(started.json?["token"]?.stringValue)
        let bound = try #require(DirectLineContract.claims(of: boundToken))
        #expect(bound["auth_time"] == first["auth_time"], "the bound token continues the chain")
    }

    /// Finding 4: `streamUrl` was built from the request's Host header.
    @Test(.testEnv())
    func theStreamURLComesFromTheBoundAddressOrTheConfigurationNeverTheHostHeader() async throws {
        let env = try TestEnv.required()
        let c = try await HTTPTestClient.fixtureServer(in: env)
        let token = try #require(try await c.post("/v3/directline/tokens/generate", json: [:]).json?["token"]?.stringValue)
        let started = try await c.send(.POST, "/v3/directline/conversations", body: Data("{}".utf8),
                                       headers: Self.bearer(token) + [("Host", "evil.example:666")])
        let url = try #require(started.json?["streamUrl"]?.stringValue, "\(started.text)")
        let port = try #require(URL(string: c.base)?.port)
        #expect(url.hasPrefix("ws://127.0.0.1:\(port)/v3/directline/conversations/"), "\(url)")
        let configured = try await HTTPTestClient.fixtureServer(in: env) { $0.webchat.streamBaseURL = "wss://chat.example.test" }
        let token2 = try #require(try await configured.post("/v3/directline/tokens/generate", json: [:]).json?["token"]?.stringValue)
        let url2 = try #require(try await configured.send(.POST, "/v3/directline/conversations", body: Data("{}".utf8), headers: Self.bearer(token2))
            .json?["streamUrl"]?.stringValue)
        #expect(url2.hasPrefix("wss://chat.example.test/v3/directline/conversations/"), "\(url2)")
    }

    /// Finding 5: a refused WebSocket upgrade was an empty 400. It now gets the JSON error the
    /// plain GET of the stream URL gives, and the connection closes.
    @Test(.testEnv())
    func aRefusedStreamUpgradeGetsTheSameJSONErrorAsTheHTTPRoute() async throws {
        let env = try TestEnv.required()
        let key = "stream-refusal-test-key-0123456789"
        let server = try await env.startFixtureServer {
            $0.sessionBackend = .memory
            $0.webchat.signingKey = key
        }
        let c = HTTPTestClient(base: server.baseURL)
        let alice = try #require(try await c.post("/conversations", json: [:]).json)
        let id = try #require(alice["conversationId"]?.stringValue)
        let token = try #require(alice["token"]?.stringValue)
        let other = try #require(try await c.post("/conversations", json: [:]).json?["token"]?.stringValue)
        // A valid token bound to a conversation the server does not have (evicted, or never there).
        let signer = DirectLineTokenSigner(secret: Array(key.utf8))
        let orphan = signer.issue(user: "u-1", env: "dev", tenant: "dev", team: nil, conversation: "conv-gone").token
        let stream = "/v3/directline/conversations"
        let cases: [(what: String, target: String, headers: [(String, String)], status: Int, code: String)] = [
            ("no token", "\(stream)/\(id)/stream", [], 401, "missing_token"),
            ("a forged token", "\(stream)/\(id)/stream?t=abc.def.ghi", [], 401, "invalid_token"),
            ("a Basic header", "\(stream)/\(id)/stream", [("Authorization", "Basic YTpi")], 401, "invalid_token"),
            ("another conversation's token", "\(stream)/\(id)/stream?t=\(other)", [], 403, "wrong_conversation"),
            ("an unknown conversation", "\(stream)/conv-gone/stream?t=\(orphan)", [], 404, "conversation_not_found"),
            ("a negative watermark", "\(stream)/\(id)/stream?t=\(token)&watermark=-1", [], 400, "invalid_watermark"),
        ]
        for refusal in cases {
            let extra = refusal.headers.map { "\($0.0): \($0.1)\r\n" }.joined()
            let upgrade = "GET \(refusal.target) HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\(extra)\r\n"
            let outcome = try await RawHTTP.exchange(port: server.port, send: [upgrade], readFor: .seconds(10))
            #expect(outcome.closedByServer, "\(refusal.what): the connection stayed open")
            #expect(outcome.status == refusal.status, "\(refusal.what): \(outcome.text.prefix(300))")
            #expect(outcome.text.lowercased().contains("content-type: application/json"), "\(refusal.what)")
            let body = try? JSONValue.parse(outcome.body)
            #expect(body?.value(atPath: "error.code")?.stringValue == refusal.code, "\(refusal.what): \(outcome.body)")
            let plain = try await c.send(.GET, refusal.target, headers: refusal.headers)
            #expect(plain.status == refusal.status && plain.errorCode == refusal.code, "\(refusal.what), plain GET: \(plain.text)")
        }
        // The same request with its own token upgrades.
        let socket = try await WebSocketSession.connect("ws://127.0.0.1:\(server.port)\(stream)/\(id)/stream?t=\(token)")
        #expect(await socket.next(timeout: .seconds(5)) != nil, "the backlog frame")
        await socket.close()
    }

    /// Finding 5: a WebSocket stream kept delivering after its token expired.
    @Test(.testEnv())
    func aStreamClosesWhenItsTokenExpires() async throws {
        let env = try TestEnv.required()
        let c = try await HTTPTestClient.fixtureServer(in: env) { $0.webchat.tokenLifetime = 1 }
        let token = try #require(try await c.post("/v3/directline/tokens/generate", json: [:]).json?["token"]?.stringValue)
        let started = try #require(try await c.send(.POST, "/v3/directline/conversations", body: Data("{}".utf8), headers: Self.bearer(token)).json)
        let socket = try await WebSocketSession.connect(try #require(started["streamUrl"]?.stringValue))
        let opened = ContinuousClock.now
        #expect(await socket.next(timeout: .seconds(5)) != nil, "the initial frame")
        // The token lives 1 s plus the signer's leeway; the server closes the socket then.
        while await socket.next(timeout: .seconds(20)) != nil {}
        #expect(!socket.isOpen)
        let lasted = ContinuousClock.now - opened
        #expect(lasted < .seconds(20), "closed after \(lasted)")
        await socket.close()
    }
}

/// A clock a test moves by hand.
final class ManualClock: Sendable {
    private let nanoseconds = Mutex<UInt64>(1_000_000_000)
    var now: UInt64 { nanoseconds.withLock { $0 } }
    func advance(seconds: UInt64) { nanoseconds.withLock { $0 += seconds * 1_000_000_000 } }
}
