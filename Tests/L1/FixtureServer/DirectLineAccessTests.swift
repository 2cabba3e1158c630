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
