import Foundation
import GreenticTestKit
import GreenticTestKitTesting
import TestSupport
import Testing

@Suite("Fixture server routes over HTTP", .tags(.server))
struct FixtureServerRoutesTests {
    @Test(.testEnv())
    func healthAndReadinessReportRealStatus() async throws {
        let env = try TestEnv.required()
        let server = try await ServerHarness.start(env)
        let health = try await server.client.get("/healthz")
        #expect(health.status == 200)
        #expect(health.header("content-type") == "application/json")
        let json = try #require(health.json)
        #expect(json["status"] == "ok")
        #expect(json.value(atPath: "store.backend") == "file")
        #expect(json.value(atPath: "packs.count") == 3)
        #expect(json["runner"] == "echo")
        let ready = try await server.client.get("/readyz")
        #expect(ready.status == 200 && ready.json?["ready"] == true)
    }

    @Test(.testEnv())
    func packsAreSortedAndOverridesResolve() async throws {
        let env = try TestEnv.required()
        let server = try await ServerHarness.start(env)
        let all = try #require(try await server.client.get("/packs").json)
        #expect(all["count"] == 3)
        #expect(all["packs"]?.arrayValue?.compactMap { $0["id"]?.stringValue } == ["acme", "alpha-pack", "zeta-pack"])
        let alpha = try #require(all["packs"]?[1])
        #expect(alpha["kind"] == nil, "kind is omitted when absent")
        #expect(alpha["name"] == "Alpha")
        #expect(alpha["path"]?.stringValue?.hasSuffix("/packs/alpha-pack") == true)
        #expect(all["resolved_keys"] == .array([]) && all["missing_keys"] == .array([]))

        let acme = try #require(try await server.client.get("/packs?tenant=acme&team=ops&user=u1").json)
        #expect(acme["count"] == 1)
        #expect(acme["resolved_keys"] == ["acme"])
        #expect(acme["missing_keys"] == ["acme:ops:u1", "acme:ops"])

        let other = try #require(try await server.client.get("/packs?tenant=other").json)
        #expect(other["count"] == 3)
        #expect(other["missing_keys"] == ["other"])

        let bad = try await server.client.get("/packs?tenant=a%2Fb")
        #expect(bad.status == 400 && bad.errorCode == "invalid_identifier")
        let duplicate = try await server.client.get("/packs?tenant=a&tenant=b")
        #expect(duplicate.status == 400 && duplicate.errorCode == "duplicate_query_parameter")
    }

    @Test(.testEnv())
    func reloadPicksUpChangesAndKeepsTheIndexOnABrokenManifest() async throws {
        let env = try TestEnv.required()
        let server = try await ServerHarness.start(env)
        try PackWriter.write(root: server.packs, id: "new-pack")
        let reloaded = try await server.client.post("/packs/reload")
        #expect(reloaded.status == 200)
        #expect(reloaded.json?["count"] == 4)

        let broken = server.packs.appendingPathComponent("broken")
        try FileManager.default.createDirectory(at: broken, withIntermediateDirectories: true)
        try Data("{ not json".utf8).write(to: broken.appendingPathComponent("pack.json"))
        let failed = try await server.client.post("/packs/reload")
        #expect(failed.status == 500)
        #expect(failed.errorCode == "pack_index_error")
        #expect(failed.json?.value(atPath: "error.message")?.stringValue?.contains("broken/pack.json") == true)
        #expect(try await server.client.get("/packs").json?["count"] == 4, "previous index kept")
        let health = try #require(try await server.client.get("/healthz").json)
        #expect(health.value(atPath: "packs.last_reload_error")?.stringValue?.contains("broken/pack.json") == true)

        try PackWriter.write(root: server.packs, folder: "dupe", id: "new-pack")
        try FileManager.default.removeItem(at: broken)
        let duplicate = try await server.client.post("/packs/reload")
        #expect(duplicate.status == 500)
        #expect(duplicate.json?.value(atPath: "error.message")?.stringValue?.contains("duplicate pack id 'new-pack'") == true)
    }

    @Test(.testEnv())
    func runnerEmitEventsAndClearWithTheEchoRunner() async throws {
        let env = try TestEnv.required()
        let server = try await ServerHarness.start(env, environment: ["GREENTIC_DEFAULTS__TENANT": "dev"])
        let emitted = try await server.client.post("/runner/emit", json: ["flow": "welcome", "user": "u1", "payload": ["text": "hi"]])
        #expect(emitted.status == 200)
        #expect(emitted.text.hasPrefix(#"{"timestamp_ms":"#))
        #expect(emitted.text.contains(#""flow":"welcome","tenant":"dev","team":null,"user":"u1","payload":{"text":"hi"},"result":{"echo":{"text":"hi"},"flow":"welcome","status":"ok"}}"#))
        for i in 0..<104 {
            _ = try await server.client.post("/runner/emit", json: ["flow": .string("f\(i)")])
        }
        let events = try #require(try await server.client.get("/runner/events").json?.arrayValue)
        #expect(events.count == 100)
        #expect(events.first?["flow"] == "f4")
        #expect(events.last?["flow"] == "f103")
        let cleared = try await server.client.delete("/runner/events")
        #expect(cleared.status == 204)
        #expect(try await server.client.get("/runner/events").json == .array([]))

        let missingFlow = try await server.client.post("/runner/emit", json: ["payload": 1])
        #expect(missingFlow.status == 422 && missingFlow.errorCode == "invalid_body")
        let wrongType = try await server.client.post("/runner/emit", json: ["flow": 5])
        #expect(wrongType.status == 422)
    }

    @Test(.testEnv())
    func openAPIDocumentIsServedCommittedAndTrue() async throws {
        let env = try TestEnv.required()
        let server = try await ServerHarness.start(env)
        let served = try #require(try await server.client.get("/openapi.json").json)
        let committed = try JSONValue.parse(Data(contentsOf: Paths.packageRoot.appendingPathComponent("docs/openapi.json")))
        #expect(served == committed, "docs/openapi.json is stale: \(JSONDiff.report(expected: committed, actual: served))")
        #expect(served["openapi"] == "3.0.3")
        for (path, item) in served["paths"]?.objectValue ?? [:] {
            for method in (item.objectValue ?? [:]).keys {
                let result = try await server.client.send(.init(rawValue: method.uppercased()), path.replacingOccurrences(of: "{id}", with: "conv-none"),
                                                          body: method == "get" || method == "delete" ? nil : Data("{}".utf8))
                #expect(result.status != 404 || ["session_not_found", "conversation_not_found"].contains(result.errorCode),
                        "\(method) \(path) is documented but not routed")
                #expect(result.status != 405, "\(method) \(path) is documented but not allowed")
                let type = path == "/webchat/" ? "text/html; charset=utf-8" : "application/json"
                #expect(result.status == 204 || result.header("content-type") == type, "\(method) \(path) answered without \(type)")
            }
        }
        let undocumented = try await server.client.get("/not-a-route")
        #expect(undocumented.status == 404 && undocumented.errorCode == "not_found")
    }

    /// A documented path with a method it does not take is 405 with `Allow` listing the documented
    /// methods (templated segments too); an unknown path stays 404.
    @Test(.testEnv())
    func aKnownPathWithAWrongMethodIs405WithAllow() async throws {
        let env = try TestEnv.required()
        let server = try await ServerHarness.start(env)
        let c = server.client
        let cases: [(String, String, String)] = [
            ("PUT", "/sessions", "DELETE, GET, POST"), ("PATCH", "/healthz", "GET"), ("DELETE", "/packs", "GET"),
            ("GET", "/runner/emit", "POST"), ("PUT", "/v3/directline/conversations/abc/activities", "GET, POST"),
            ("DELETE", "/conversations/abc/activities", "GET, POST"), ("POST", "/openapi.json", "GET"),
        ]
        for (method, path, allow) in cases {
            let result = try await c.send(.init(rawValue: method), path, body: ["PUT", "POST", "PATCH"].contains(method) ? Data("{}".utf8) : nil)
            #expect(result.status == 405 && result.errorCode == "method_not_allowed", "\(method) \(path) → \(result.status) \(result.text)")
            #expect(result.header("allow") == allow, "\(method) \(path): Allow \(result.header("allow") ?? "none")")
            #expect(result.header("content-type") == "application/json")
        }
        #expect(try await c.send(.init(rawValue: "PUT"), "/sessions/extra/segment").status == 404)
        #expect(try await c.send(.init(rawValue: "PUT"), "/v3/directline/conversations//activities").status == 404, "an empty segment matches no template")
    }
}
