import Foundation
import GreenticFixtureServer
import GreenticTestKit
import Hummingbird
import TestSupport
import Testing

/// The fixture server's health, pack, runner, OpenAPI and method routes, in process
/// (`RouterTestClient`): the same router, middleware and state the server runs, no socket and no
/// process. What needs a connection (header and body limits, slow clients, the process's
/// lifecycle) is in L1.
@Suite("Fixture server routes (in-process router)", .tags(.server))
struct FixtureServerRoutesTests {
    @Test
    func healthAndReadinessReportRealStatus() async throws {
        try await RouterTestClient.run { c in
            let health = try await c.get("/healthz")
            #expect(health.status == 200)
            #expect(health.header("content-type") == "application/json")
            let json = try #require(health.json)
            #expect(json["status"] == "ok")
            #expect(json.value(atPath: "store.backend") == "memory")
            #expect(json.value(atPath: "packs.count") == 3)
            #expect(json["runner"] == "echo")
            let ready = try await c.get("/readyz")
            #expect(ready.status == 200 && ready.json?["ready"] == true)
        }
    }

    @Test
    func packsAreSortedAndOverridesResolve() async throws {
        try await RouterTestClient.run { c in
            let all = try #require(try await c.get("/packs").json)
            #expect(all["count"] == 3)
            #expect(all["packs"]?.arrayValue?.compactMap { $0["id"]?.stringValue } == ["acme", "alpha-pack", "zeta-pack"])
            let alpha = try #require(all["packs"]?[1])
            #expect(alpha["kind"] == nil, "kind is omitted when absent")
            #expect(alpha["name"] == "Alpha")
            #expect(alpha["path"]?.stringValue?.hasSuffix("/alpha-pack") == true)
            #expect(all["resolved_keys"] == .array([]) && all["missing_keys"] == .array([]))

            let acme = try #require(try await c.get("/packs?tenant=acme&team=ops&user=u1").json)
            #expect(acme["count"] == 1)
            #expect(acme["resolved_keys"] == ["acme"])
            #expect(acme["missing_keys"] == ["acme:ops:u1", "acme:ops"])

            let other = try #require(try await c.get("/packs?tenant=other").json)
            #expect(other["count"] == 3)
            #expect(other["missing_keys"] == ["other"])

            let bad = try await c.get("/packs?tenant=a%2Fb")
            #expect(bad.status == 400 && bad.errorCode == "invalid_identifier")
            let duplicate = try await c.get("/packs?tenant=a&tenant=b")
            #expect(duplicate.status == 400 && duplicate.errorCode == "duplicate_query_parameter")
        }
    }

    @Test
    func reloadPicksUpChangesAndKeepsTheIndexOnABrokenManifest() async throws {
        try await RouterTestClient.run { c in
            try PackWriter.write(root: c.packs, id: "new-pack")
            let reloaded = try await c.post("/packs/reload")
            #expect(reloaded.status == 200)
            #expect(reloaded.json?["count"] == 4)

            let broken = c.packs.appendingPathComponent("broken")
            try FileManager.default.createDirectory(at: broken, withIntermediateDirectories: true)
            try Data("{ not json".utf8).write(to: broken.appendingPathComponent("pack.json"))
            let failed = try await c.post("/packs/reload")
            #expect(failed.status == 500)
            #expect(failed.errorCode == "pack_index_error")
            #expect(failed.json?.value(atPath: "error.message")?.stringValue?.contains("broken/pack.json") == true)
            #expect(try await c.get("/packs").json?["count"] == 4, "previous index kept")
            let health = try #require(try await c.get("/healthz").json)
            #expect(health.value(atPath: "packs.last_reload_error")?.stringValue?.contains("broken/pack.json") == true)

            try PackWriter.write(root: c.packs, folder: "dupe", id: "new-pack")
            try FileManager.default.removeItem(at: broken)
            let duplicate = try await c.post("/packs/reload")
            #expect(duplicate.status == 500)
            #expect(duplicate.json?.value(atPath: "error.message")?.stringValue?.contains("duplicate pack id 'new-pack'") == true)
        }
    }

    @Test
    func runnerEmitEventsAndClearWithTheEchoRunner() async throws {
        try await RouterTestClient.run(environment: ["GREENTIC_DEFAULTS__TENANT": "dev"]) { c in
            let emitted = try await c.post("/runner/emit", json: ["flow": "welcome", "user": "u1", "payload": ["text": "hi"]])
            #expect(emitted.status == 200)
            #expect(emitted.text.hasPrefix(#"{"timestamp_ms":"#))
            #expect(emitted.text.contains(#""flow":"welcome","tenant":"dev","team":null,"user":"u1","payload":{"text":"hi"},"result":{"echo":{"text":"hi"},"flow":"welcome","status":"ok"}}"#))
            for i in 0..<104 {
                _ = try await c.post("/runner/emit", json: ["flow": .string("f\(i)")])
            }
            let events = try #require(try await c.get("/runner/events").json?.arrayValue)
            #expect(events.count == 100)
            #expect(events.first?["flow"] == "f4")
            #expect(events.last?["flow"] == "f103")
            let cleared = try await c.delete("/runner/events")
            #expect(cleared.status == 204)
            #expect(try await c.get("/runner/events").json == .array([]))

            let missingFlow = try await c.post("/runner/emit", json: ["payload": 1])
            #expect(missingFlow.status == 422 && missingFlow.errorCode == "invalid_body")
            let wrongType = try await c.post("/runner/emit", json: ["flow": 5])
            #expect(wrongType.status == 422)
        }
    }

    @Test
    func openAPIDocumentIsServedCommittedAndTrue() async throws {
        try await RouterTestClient.run { c in
            let served = try #require(try await c.get("/openapi.json").json)
            let committed = try JSONValue.parse(Data(contentsOf: Paths.packageRoot.appendingPathComponent("docs/openapi.json")))
            #expect(served == committed, "docs/openapi.json is stale: \(JSONDiff.report(expected: committed, actual: served))")
            #expect(served["openapi"] == "3.0.3")
            for (path, item) in served["paths"]?.objectValue ?? [:] {
                for method in (item.objectValue ?? [:]).keys {
                    let result = try await c.send(try #require(HTTPRequest.Method(method.uppercased())), path.replacingOccurrences(of: "{id}", with: "conv-none"),
                                                              body: method == "get" || method == "delete" ? nil : Data("{}".utf8))
                    #expect(result.status != 404 || ["session_not_found", "conversation_not_found"].contains(result.errorCode),
                            "\(method) \(path) is documented but not routed")
                    #expect(result.status != 405, "\(method) \(path) is documented but not allowed")
                    let type = path == "/webchat/" ? "text/html; charset=utf-8" : "application/json"
                    #expect(result.status == 204 || result.header("content-type") == type, "\(method) \(path) answered without \(type)")
                }
            }
            let undocumented = try await c.get("/not-a-route")
            #expect(undocumented.status == 404 && undocumented.errorCode == "not_found")
        }
    }

    /// A documented path with a method it does not take is 405 with `Allow` listing the documented
    /// methods (templated segments too); an unknown path stays 404.
    @Test
    func aKnownPathWithAWrongMethodIs405WithAllow() async throws {
        try await RouterTestClient.run { c in
            let cases: [(String, String, String)] = [
                ("PUT", "/sessions", "DELETE, GET, POST"), ("PATCH", "/healthz", "GET"), ("DELETE", "/packs", "GET"),
                ("GET", "/runner/emit", "POST"), ("PUT", "/v3/directline/conversations/abc/activities", "GET, POST"),
                ("DELETE", "/conversations/abc/activities", "GET, POST"), ("POST", "/openapi.json", "GET"),
            ]
            for (method, path, allow) in cases {
                let result = try await c.send(try #require(HTTPRequest.Method(method)), path, body: ["PUT", "POST", "PATCH"].contains(method) ? Data("{}".utf8) : nil)
                #expect(result.status == 405 && result.errorCode == "method_not_allowed", "\(method) \(path) → \(result.status) \(result.text)")
                #expect(result.header("allow") == allow, "\(method) \(path): Allow \(result.header("allow") ?? "none")")
                #expect(result.header("content-type") == "application/json")
            }
            #expect(try await c.send(.put, "/sessions/extra/segment").status == 404)
            #expect(try await c.send(.put, "/v3/directline/conversations//activities").status == 404, "an empty segment matches no template")
        }
    }
}
