import Foundation
@testable import GreenticFixtureServer
import GreenticTestKit
import Simulators
import Synchronization
import TestSupport
import Testing

/// Who can reach a Direct Line conversation and how much a client can make the server hold,
/// through the routes in process (`RouterTestClient`) and the conversation store itself. What
/// needs a socket (the stream URL from the bound address, WebSocket upgrades and expiry) stays in
/// L1's `DirectLineAccessTests`.
@Suite("Direct Line routes: access and bounds (in-process router)", .tags(.server))
struct DirectLineRoutesTests {
    static func bearer(_ token: String) -> [(String, String)] { [("Authorization", "Bearer \(token)")] }

    static let hi = Data(#"{"type":"message","from":{"id":"mallory"},"text":"hi"}"#.utf8)

    /// Finding 1: with no token (or someone else's), a client read another user's transcript
    /// and posted into it as its owner — also with `server.auth_token` set.
    @Test(arguments: [nil, "server-secret-token"] as [String?])
    func aConversationIsReachableOnlyWithItsOwnToken(serverToken: String?) async throws {
        try await RouterTestClient.run(configure: { $0.authToken = serverToken }) { c in
            let started = try #require(try await c.post("/conversations", json: ["tenant": "acme", "user": "alice"]).json)
            let id = try #require(started["conversationId"]?.stringValue)
            let alice = try #require(started["token"]?.stringValue)
            let path = "/conversations/\(id)/activities"
            let posted = try await c.send(.post, path, body: Data(#"{"type":"message","text":"my secret"}"#.utf8), headers: Self.bearer(alice))
            #expect(posted.status == 202 && posted.json?["accepted"] == true, "\(posted.text)")
            let before = try #require(try await c.send(.get, path, headers: Self.bearer(alice)).json?["activities"]?.arrayValue)

            let mallory = try #require(try await c.post("/conversations", json: [:]).json?["token"]?.stringValue)
            let unbound = try #require(try await c.post("/tokens/generate", json: [:]).json?["token"]?.stringValue)
            for prefix in ["", "/v3/directline"] {
                let route = prefix + path
                let attempts: [(headers: [(String, String)], status: Int, code: String)] = [
                    ([], 401, "missing_token"), (Self.bearer("not-a-token"), 401, "invalid_token"), ([("Authorization", "Basic YTpi")], 401, "invalid_token"),
                    (Self.bearer(mallory), 403, "wrong_conversation"), (Self.bearer(unbound), 403, "wrong_conversation"),
                ] + (serverToken.map { [(Self.bearer($0), 401, "invalid_token")] } ?? [])
                for attempt in attempts {
                    let read = try await c.send(.get, route, headers: attempt.headers)
                    #expect(read.status == attempt.status && read.errorCode == attempt.code, "GET \(route) \(attempt.headers): \(read.status) \(read.text)")
                    #expect(!read.text.contains("my secret"))
                    let write = try await c.send(.post, route, body: Self.hi, headers: attempt.headers)
                    #expect(write.status == attempt.status && write.errorCode == attempt.code, "POST \(route) \(attempt.headers): \(write.status) \(write.text)")
                }
            }
            let after = try #require(try await c.send(.get, path, headers: Self.bearer(alice)).json?["activities"]?.arrayValue)
            #expect(after == before, "nothing was added by the refused posts")
            #expect(after.allSatisfy { $0.value(atPath: "from.id") != "mallory" })

            // The runner event log names conversations: with a server token, reading it needs that token.
            let events = try await c.get("/runner/events")
            if let serverToken {
                #expect(events.status == 401 && events.errorCode == "unauthorized")
                let allowed = try await c.send(.get, "/runner/events", headers: Self.bearer(serverToken))
                #expect(allowed.status == 200 && allowed.text.contains(id))
            } else {
                #expect(events.status == 200)
            }
        }
    }

    /// Finding 3: 10,000 anonymous creations evicted a live conversation.
    @Test
    func aFloodOfNewConversationsIsRefusedAndEvictsNoLiveOne() async throws {
        try await RouterTestClient.run(configure: { $0.webchat.maxConversations = 20 }) { c in
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
            let read = try await c.send(.get, "/conversations/\(id)/activities", headers: Self.bearer(token))
            #expect(read.status == 200, "the live conversation is still there: \(read.text)")
        }
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

    @Test
    func refreshOverHTTPKeepsTheChainsStartAndTheBearerSchemeIsCaseInsensitive() async throws {
        try await RouterTestClient.run(configure: { $0.webchat = WebChatConfig(tokenLifetime: 600, maxTokenLifetime: 900) }) { c in
            let issued = try #require(try await c.post("/v3/directline/tokens/generate", json: [:]).json?["token"]?.stringValue)
            let refreshed = try #require(try await c.send(.post, "/v3/directline/tokens/refresh", headers: [("authorization", "bearer  \(issued)")]).json)
            let first = try #require(DirectLineContract.claims(of: issued))
            let refreshedToken = try #require(refreshed["token"]?.stringValue)
            let second = try #require(DirectLineContract.claims(of: refreshedToken))
            #expect(second["auth_time"] == first["auth_time"] && first["auth_time"] == first["iat"])
            #expect(try #require(refreshed["expires_in"]?.intValue) <= 600)
            let started = try await c.send(.post, "/v3/directline/conversations", body: Data("{}".utf8), headers: [("Authorization", "BEARER \(issued)")])
            #expect(started.status == 201, "\(started.text)")
            let boundToken = try #require(started.json?["token"]?.stringValue)
            let bound = try #require(DirectLineContract.claims(of: boundToken))
            #expect(bound["auth_time"] == first["auth_time"], "the bound token continues the chain")
        }
    }
}

/// A clock a test moves by hand.
final class ManualClock: Sendable {
    private let nanoseconds = Mutex<UInt64>(1_000_000_000)
    var now: UInt64 { nanoseconds.withLock { $0 } }
    func advance(seconds: UInt64) { nanoseconds.withLock { $0 += seconds * 1_000_000_000 } }
}
