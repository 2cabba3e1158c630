import Foundation
import GreenticTestKit
import GreenticFixtureServer
import TestSupport
import Testing

/// The session routes, in process (`RouterTestClient`): no socket, no process.
@Suite("Session routes (in-process router)", .tags(.server, .sessions))
struct SessionRoutesTests {
    @Test
    func upsertListFilterAndDefaults() async throws {
        try await RouterTestClient.run(environment: ["GREENTIC_DEFAULTS__TENANT": "dev"]) { c in
            let created = try await c.post("/sessions", json: ["user": " u1 ", "flow_id": "flow-a", "node_id": "wait", "context": ["waiting": true]])
            #expect(created.status == 200)
            let view = try #require(created.json)
            #expect(view["tenant"] == "dev")
            #expect(view["user"] == "u1", "values are trimmed")
            #expect(view.value(atPath: "cursor.flow_id") == "flow-a")
            #expect(view["key"]?.stringValue.map(JSONNormalizer.isUUIDShaped) == true)
            #expect(created.text.hasPrefix(#"{"key":""#) && created.text.contains(#","cursor":{"flow_id":"flow-a","node_id":"wait"},"context":{"waiting":true},"updated_at_epoch_ms":"#))

            _ = try await c.post("/sessions", json: ["tenant": "acme", "team": "ops", "user": "u2", "key": "shared-key"])
            _ = try await c.post("/sessions", json: ["tenant": "beta", "user": "u2", "key": "shared-key"])
            let acme = try #require(try await c.get("/sessions?tenant=acme").json)
            #expect(acme["count"] == 1)
            let both = try #require(try await c.get("/sessions?tenant=beta&user=u2").json)
            #expect(both["count"] == 1, "the same key under two tenants is two sessions")
            let team = try #require(try await c.get("/sessions?tenant=acme&team=ops").json)
            #expect(team["count"] == 1)
            let defaulted = try #require(try await c.get("/sessions").json)
            #expect(defaulted["count"] == 1 && defaulted.value(atPath: "sessions.0.tenant") == "dev")

            let missingUser = try await c.post("/sessions", json: ["tenant": "acme"])
            #expect(missingUser.status == 400 && missingUser.errorCode == "missing_user")
        }
    }

    @Test
    func listingIsMostRecentFirstAndResumePicksTheNewest() async throws {
        try await RouterTestClient.run { c in
            _ = try await c.post("/sessions", json: ["tenant": "acme", "user": "u1", "key": "a-old", "flow_id": "flow-old"])
            _ = try await c.post("/sessions", json: ["tenant": "acme", "user": "u1", "key": "b-new", "flow_id": "flow-new"])
            let listed = try #require(try await c.get("/sessions?tenant=acme").json)
            #expect(listed["sessions"]?.arrayValue?.compactMap { $0["key"]?.stringValue } == ["b-new", "a-old"], "newest first, though the keys sort the other way")

            let resumed = try await c.post("/sessions/resume", json: ["tenant": "acme", "user": "u1", "payload": ["answer": 42]])
            #expect(resumed.status == 200)
            #expect(resumed.json?["flow"] == "flow-new")
            #expect(resumed.json?.value(atPath: "result.echo.answer") == 42)
            #expect(try await c.get("/sessions?tenant=acme").json?["count"] == 1)
            #expect(try await c.get("/runner/events").json?.arrayValue?.count == 1)

            let none = try await c.post("/sessions/resume", json: ["tenant": "acme", "user": "nobody"])
            #expect(none.status == 404 && none.errorCode == "session_not_found")
            let noUser = try await c.post("/sessions/resume", json: ["tenant": "acme"])
            #expect(noUser.status == 400 && noUser.errorCode == "missing_user")
            _ = try await c.post("/sessions", json: ["tenant": "acme", "user": "u9", "key": "flowless"])
            let flowless = try await c.post("/sessions/resume", json: ["tenant": "acme", "user": "u9"])
            #expect(flowless.status == 409 && flowless.errorCode == "session_without_flow", "a valid request refused for the stored state is a conflict")
        }
    }

    @Test
    func purgeNeedsAFilterOrAllTrue() async throws {
        try await RouterTestClient.run { c in
            for (tenant, user) in [("acme", "u1"), ("acme", "u2"), ("beta", "u1")] {
                _ = try await c.post("/sessions", json: ["tenant": .string(tenant), "user": .string(user)])
            }
            let refused = try await c.delete("/sessions")
            #expect(refused.status == 400 && refused.errorCode == "unfiltered_purge")
            #expect(try await c.get("/sessions").json?["count"] == 3)
            let byBody = try await c.delete("/sessions?tenant=beta", json: ["tenant": "acme", "user": "u2"])
            #expect(byBody.json == ["removed": 1], "body fields override the query")
            let byQuery = try await c.delete("/sessions?tenant=acme")
            #expect(byQuery.json == ["removed": 1])
            let wrongType = try await c.send(.delete, "/sessions?tenant=beta", body: Data("tenant=x".utf8), contentType: "text/plain")
            #expect(wrongType.status == 415)
            // Deleting everything is for a caller on this machine; the router test has no peer
            // address, so it is refused (the loopback case is ServerAccessTests, over a socket).
            let all = try await c.delete("/sessions?all=true")
            #expect(all.status == 403 && all.errorCode == "purge_all_refused", "\(all.text)")
            #expect(try await c.get("/sessions?tenant=beta").json?["count"] == 1)
        }
    }

    @Test
    func rejectedRequestsGetJSONErrorsAndChangeNothing() async throws {
        try await RouterTestClient.run(environment: ["GREENTIC_SERVER__MAX_BODY_BYTES": "4096"]) { c in
            _ = try await c.post("/sessions", json: ["tenant": "acme", "user": "u1", "key": "keep"])
            let before = try await c.get("/sessions?all=true").text

            let cases: [(HTTPResult, Int, String)] = [
                (try await c.post("/sessions", raw: #"{"tenant":"acme","user":"u1""#, contentType: "application/json"), 400, "malformed_json"),
                (try await c.post("/sessions", raw: #"["tenant"]"#, contentType: "application/json"), 422, "invalid_body"),
                (try await c.post("/sessions", raw: #"{"tenant":"acme","user":7}"#, contentType: "application/json"), 422, "invalid_body"),
                (try await c.post("/sessions", raw: #"{"tenant":"acme","user":"u1"}"#, contentType: "text/plain"), 415, "unsupported_media_type"),
                (try await c.post("/sessions", raw: #"{"tenant":"acme","user":"u1"}"#, contentType: nil), 415, "unsupported_media_type"),
                (try await c.post("/sessions", json: ["tenant": "../etc", "user": "u1"]), 400, "invalid_identifier"),
                (try await c.post("/sessions", json: ["tenant": "acme", "user": "u\n1"]), 400, "invalid_identifier"),
                (try await c.post("/sessions", json: ["tenant": "acme", "user": "u1", "key": "a/b"]), 400, "invalid_key"),
                (try await c.post("/sessions", json: ["tenant": "acme", "user": "u1", "context": .string(String(repeating: "x", count: 5000))]), 413, "body_too_large"),
                (try await c.post("/runner/emit", raw: "\u{FF}\u{FE}", contentType: "application/json"), 400, "malformed_json"),
                (try await c.get("/sessions?tenant=%00"), 400, "invalid_identifier"),
            ]
            for (result, status, code) in cases {
                #expect(result.status == status, "\(result.text)")
                #expect(result.errorCode == code, "\(result.text)")
                #expect(result.header("content-type") == "application/json")
            }
            #expect(try await c.get("/sessions?all=true").text == before)
        }
    }
}
