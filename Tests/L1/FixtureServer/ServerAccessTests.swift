import Foundation
@testable import GreenticFixtureServer
import GreenticTestKit
import GreenticTestKitTesting
import TestSupport
import Testing

/// Finding 4: reads open to any web page — `Access-Control-Allow-Origin: *`, session reads
/// without the token, and any page could purge every session on a server without a token.
@Suite("Server access: CORS, guarded reads, the purge of everything", .tags(.server))
struct ServerAccessTests {
    static let session = Data(#"{"tenant":"acme","user":"u1","context":{"api_key":"k"}}"#.utf8)

    @Test(.testEnv())
    func noCrossOriginAccessByDefault() async throws {
        let env = try TestEnv.required()
        let c = try await HTTPTestClient.fixtureServer(in: env)
        let read = try await c.send(.GET, "/sessions", headers: [("Origin", "http://evil.example")])
        #expect(read.header("Access-Control-Allow-Origin") == nil)
        let preflight = try await c.send(.OPTIONS, "/sessions", headers: [("Origin", "http://evil.example"), ("Access-Control-Request-Method", "DELETE")])
        #expect(preflight.header("Access-Control-Allow-Origin") == nil && preflight.header("Access-Control-Allow-Methods") == nil)
        #expect(preflight.status >= 400 && preflight.errorCode != nil, "\(preflight.status) \(preflight.text)")
    }

    @Test(.testEnv())
    func onlyListedOriginsGetCORSHeaders() async throws {
        let env = try TestEnv.required()
        let c = try await HTTPTestClient.fixtureServer(in: env) { $0.corsOrigins = ["http://localhost:3000"] }
        let allowed = try await c.send(.OPTIONS, "/sessions", headers: [("Origin", "http://localhost:3000"), ("Access-Control-Request-Method", "POST")])
        #expect(allowed.status == 204 && allowed.header("Access-Control-Allow-Origin") == "http://localhost:3000")
        #expect(allowed.header("Vary") == "Origin")
        let refused = try await c.send(.OPTIONS, "/sessions", headers: [("Origin", "http://evil.example"), ("Access-Control-Request-Method", "POST")])
        #expect(refused.status == 403 && refused.errorCode == "origin_not_allowed" && refused.header("Access-Control-Allow-Origin") == nil)
        let error = try await c.send(.GET, "/sessions?tenant=../x", headers: [("Origin", "http://localhost:3000")])
        #expect(error.status == 400 && error.header("Access-Control-Allow-Origin") == "http://localhost:3000", "errors carry it too")
        #expect(try await c.send(.GET, "/sessions", headers: [("Origin", "http://evil.example")]).header("Access-Control-Allow-Origin") == nil)
        #expect(throws: ConfigError.self) {
            try ServerConfig.load(environment: [:], overrides: ["server": ["cors_origins": ["http://localhost:3000/path"]]])
        }
        let fromEnv = try ServerConfig.load(environment: ["GREENTIC_SERVER__CORS_ORIGINS": "http://a.test, https://b.test:8443"])
        #expect(fromEnv.corsOrigins == ["http://a.test", "https://b.test:8443"])
    }

    @Test(.testEnv(), arguments: [true, false])
    func withATokenSessionAndEventReadsNeedIt(authReads: Bool) async throws {
        let env = try TestEnv.required()
        let c = try await HTTPTestClient.fixtureServer(in: env) {
            $0.authToken = "server-secret-token"
            $0.authReads = authReads
        }
        let token = [("Authorization", "Bearer server-secret-token")]
        #expect(try await c.send(.POST, "/sessions", body: Self.session, headers: token).status == 200)
        #expect(try await c.send(.POST, "/sessions", body: Self.session, headers: [("Authorization", "bearer server-secret-token")]).status == 200,
                "the scheme is case-insensitive")
        for path in ["/sessions", "/sessions?tenant=acme", "/runner/events"] {
            let open = try await c.get(path)
            if authReads {
                #expect(open.status == 401 && open.errorCode == "unauthorized" && !open.text.contains("api_key"), "\(path): \(open.text)")
            } else {
                #expect(open.status == 200, "\(path)")
            }
            #expect(try await c.send(.GET, path, headers: token).status == 200)
        }
        for path in ["/healthz", "/packs", "/openapi.json"] { #expect(try await c.get(path).status == 200, "\(path) stays open") }
    }

    @Test(.testEnv())
    func withoutATokenOnlyALocalToolMayPurgeEverySession() async throws {
        let env = try TestEnv.required()
        let c = try await HTTPTestClient.fixtureServer(in: env)
        #expect(try await c.send(.POST, "/sessions", body: Self.session).status == 200)
        let fromPage = try await c.send(.DELETE, "/sessions?all=true", headers: [("Origin", "http://evil.example")])
        #expect(fromPage.status == 403 && fromPage.errorCode == "purge_all_refused", "\(fromPage.text)")
        #expect(try await c.get("/sessions").json?["count"] == 1, "nothing was removed")
        let local = try await c.send(.DELETE, "/sessions?all=true")
        #expect(local.status == 200 && local.json?["removed"] == 1)
        // A filtered purge from a page is an ordinary request (the data is the tenant's own).
        #expect(try await c.send(.DELETE, "/sessions?tenant=acme", headers: [("Origin", "http://evil.example")]).status == 200)
    }

    @Test func loopbackPeersAreRecognised() throws {
        for (ip, local) in [("127.0.0.1", true), ("127.8.9.1", true), ("::1", true), ("::ffff:127.0.0.1", true), ("10.0.0.1", false),
                            ("::ffff:10.0.0.1", false), ("192.168.1.2", false), ("fe80::1", false)] {
            #expect(FixtureRequestContext.isLoopback(ip: ip) == local, "\(ip)")
        }
    }
}
