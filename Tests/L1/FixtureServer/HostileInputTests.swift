import Foundation
import GreenticTestKit
import GreenticTestKitTesting
import TestSupport
import Testing

/// Hostile input, table-driven: every string field of every route and of the CLI commands gets
/// values that must be refused. Each answer must be a 4xx with a JSON error (or a one-line CLI
/// error), and afterwards the session file is byte-for-byte unchanged and nothing was written
/// outside the test folder.
@Suite("Hostile input is refused and changes nothing", .tags(.server))
struct HostileInputTests {
    /// Values no identifier (tenant, team, user, flow and node ids, pack ids) may take. (An
    /// empty or blank value means "not given", as in the original, and is not in the table.)
    static let badIdentifiers: [String] = [
        "../../etc/passwd", "..", ".", "a/b", "a\\b", "nul\u{0}byte", "line\nbreak", "tab\there", "\u{202E}rtl", "*", ">", "with space",
        "é", "semi;colon", "quote'", "<script>", String(repeating: "a", count: 10_000),
    ]
    /// Values no session key may take.
    static let badKeys: [String] = ["../../etc/passwd", "a/b", "nul\u{0}byte", "line\nbreak", "\u{7F}", String(repeating: "k", count: 201)]
    static let wrongTypes: [JSONValue] = [42, true, ["a"], ["k": "v"]]

    /// One request that must be refused.
    struct Case: Sendable {
        var method: String
        var path: String
        var body: Data?
        var contentType: String? = "application/json"
    }

    static func json(_ object: [String: JSONValue]) -> Data { Data(JSONWriter.compact(.object(object)).utf8) }

    static func query(_ name: String, _ value: String) -> String {
        var c = URLComponents()
        c.queryItems = [URLQueryItem(name: name, value: value)]
        return c.percentEncodedQuery!.replacingOccurrences(of: "+", with: "%2B")
    }

    static var cases: [Case] {
        var out: [Case] = []
        let base: [String: JSONValue] = ["tenant": "acme", "user": "u1", "key": "k1", "flow_id": "f", "node_id": "n"]
        for bad in badIdentifiers {
            for field in ["tenant", "team", "user", "flow_id", "node_id"] {
                var body = base
                body[field] = .string(bad)
                out.append(Case(method: "POST", path: "/sessions", body: json(body)))
            }
            for field in ["tenant", "team", "user"] {
                out.append(Case(method: "GET", path: "/sessions?" + query(field, bad)))
                out.append(Case(method: "DELETE", path: "/sessions?" + query(field, bad)))
                out.append(Case(method: "GET", path: "/packs?" + query(field, bad)))
                var resume: [String: JSONValue] = ["user": "u1"]
                resume[field] = .string(bad)
                out.append(Case(method: "POST", path: "/sessions/resume", body: json(resume)))
                out.append(Case(method: "POST", path: "/runner/emit", body: json(["flow": "f", field: .string(bad)])))
            }
            out.append(Case(method: "POST", path: "/v3/directline/tokens/generate?" + query("tenant", bad), body: json([:])))
            out.append(Case(method: "POST", path: "/v3/directline/tokens/generate", body: json(["user": ["id": .string(bad)]])))
        }
        for bad in badKeys {
            var body = base
            body["key"] = .string(bad)
            out.append(Case(method: "POST", path: "/sessions", body: json(body)))
        }
        for wrong in wrongTypes {
            for field in ["tenant", "team", "user", "key", "flow_id", "node_id"] {
                var body = base
                body[field] = wrong
                out.append(Case(method: "POST", path: "/sessions", body: json(body)))
            }
            out.append(Case(method: "POST", path: "/runner/emit", body: json(["flow": wrong])))
        }
        for flow in ["", "line\nbreak", String(repeating: "f", count: 201)] {
            out.append(Case(method: "POST", path: "/runner/emit", body: json(["flow": .string(flow)])))
        }
        let deep = String(repeating: "[", count: 100_000) + String(repeating: "]", count: 100_000)
        for path in ["/sessions", "/sessions/resume", "/runner/emit", "/packs/reload", "/v3/directline/tokens/generate"] {
            out.append(Case(method: "POST", path: path, body: Data("{\"tenant\": ".utf8)))
            out.append(Case(method: "POST", path: path, body: Data([0x7B, 0x22, 0x61, 0x22, 0x3A, 0x22, 0xFF, 0xFE, 0x22, 0x7D])))
            out.append(Case(method: "POST", path: path, body: Data(deep.utf8)))
            out.append(Case(method: "POST", path: path, body: Data(("{\"a\":\"" + String(repeating: "x", count: 2_000_000) + "\"}").utf8)))
            out.append(Case(method: "POST", path: path, body: Data("[1,2]".utf8)))
            out.append(Case(method: "POST", path: path, body: Data("tenant=acme".utf8), contentType: "application/x-www-form-urlencoded"))
        }
        for path in ["/sessions?tenant=a&tenant=b", "/packs?user=a&user=b", "/v3/directline/conversations/x/activities?watermark=-1",
                     "/conversations/../../etc/activities", "/%2e%2e/%2e%2e/etc/passwd", "/sessions/%00"] {
            out.append(Case(method: "GET", path: path))
        }
        return out
    }

    @Test(.testEnv())
    func everyRouteRefusesHostileInputAndChangesNothing() async throws {
        let env = try TestEnv.required()
        let server = try await ServerHarness.start(env)
        let c = server.client
        #expect(try await c.post("/sessions", json: ["tenant": "acme", "user": "u1", "key": "keep"]).status == 200)
        let before = try Data(contentsOf: server.sessionFile)
        func tree() -> [String] {
            (FileManager.default.enumerator(atPath: env.directory.artifacts.path)?.compactMap { $0 as? String } ?? []).sorted()
        }
        let filesBefore = tree()
        let passwd = try FileManager.default.attributesOfItem(atPath: "/etc/passwd")[.modificationDate] as? Date
        var checked = 0
        for hostile in Self.cases {
            let result = try await c.send(.init(rawValue: hostile.method), hostile.path, body: hostile.body, contentType: hostile.contentType)
            let label = "\(hostile.method) \(hostile.path.prefix(120)) \(String(decoding: (hostile.body ?? Data()).prefix(120), as: UTF8.self))"
            #expect((400..<500).contains(result.status), "\(label) → \(result.status) \(result.text.prefix(200))")
            #expect(result.json?.value(atPath: "error.code")?.stringValue != nil, "\(label) → no JSON error: \(result.text.prefix(200))")
            checked += 1
        }
        #expect(checked > 300)
        #expect(try await c.get("/healthz").status == 200, "the server is still up")
        #expect(try Data(contentsOf: server.sessionFile) == before, "the store changed")
        #expect(tree() == filesBefore, "no file was created or removed")
        #expect(try FileManager.default.attributesOfItem(atPath: "/etc/passwd")[.modificationDate] as? Date == passwd)
    }

    @Test(.testEnv())
    func cliCommandsRefuseHostileArgumentsWithOneLine() async throws {
        let env = try TestEnv.required()
        let store = env.directory.artifacts.appendingPathComponent("sessions.json")
        let environment = ["GREENTIC_STORES__SESSION__FILE_PATH": store.path, "XDG_CONFIG_HOME": env.directory.artifacts.path]
        let seeded = try await CommandRunner.run(Paths.cli.path, ["sessions", "purge", "--tenant", "acme"], environment: environment,
                                                 workingDirectory: env.directory.artifacts)
        #expect(seeded.status == 0, "\(seeded.stderr) \(seeded.stdout)")
        let before = FileManager.default.contents(atPath: store.path)
        for bad in ["../../etc/passwd", "..", "a/b", "line\nbreak", "*", String(repeating: "a", count: 5_000)] {
            let commands: [[String]] = [
                ["sessions", "purge", "--tenant", bad], ["sessions", "list", "--user", bad], ["sessions", "resume", "--user", bad],
                ["packs", "plan", "--packs", Paths.packageRoot.appendingPathComponent("Packs").path, "--pack-id", bad],
                ["packs", "list", "--packs", Paths.packageRoot.appendingPathComponent("Packs").path, "--tenant", bad],
                ["runner", "emit", "--flow", "f", "--tenant", bad],
            ]
            for command in commands {
                let out = try await CommandRunner.run(Paths.cli.path, command, environment: environment, workingDirectory: env.directory.artifacts,
                                                      timeout: .seconds(30))
                let label = command.joined(separator: " ").prefix(120)
                #expect(out.status == 1 || out.status == 2, "\(label) → \(out.status)")
                let lines = out.stderr.split(separator: "\n").filter { !$0.contains("[") || !$0.contains("]") }
                #expect(!out.stderr.contains("Fatal error") && !out.stderr.contains("Backtrace"), "\(label) crashed: \(out.stderr.prefix(300))")
                #expect(lines.count <= 3, "\(label): \(out.stderr.prefix(400))")
                #expect(out.stdout.isEmpty, "\(label) printed on stdout: \(out.stdout.prefix(200))")
            }
        }
        for path in ["/etc/passwd", "../../../../etc/shadow", "/nonexistent/x.yaml"] {
            let out = try await CommandRunner.run(Paths.cli.path, ["scenario", "run", path], workingDirectory: env.directory.artifacts, timeout: .seconds(30))
            #expect(out.status == 1 || out.status == 2, "scenario run \(path) → \(out.status)")
            #expect(!out.stderr.contains("Fatal error"))
        }
        #expect(FileManager.default.contents(atPath: store.path) == before, "a CLI command changed the store")
    }

    @Test(.testEnv())
    func authTokenGuardsEveryMutatingRoute() async throws {
        let env = try TestEnv.required()
        let token = "tok-\(UUID().uuidString)"
        let server = try await ServerHarness.start(env, environment: ["GREENTIC_SERVER__AUTH_TOKEN": token])
        let c = server.client
        let before = try? Data(contentsOf: server.sessionFile)
        let mutating: [(String, String, JSONValue?)] = [
            ("POST", "/sessions", ["tenant": "acme", "user": "u1"]), ("DELETE", "/sessions?tenant=acme", nil),
            ("POST", "/sessions/resume", ["user": "u1"]), ("POST", "/runner/emit", ["flow": "f"]), ("DELETE", "/runner/events", nil),
            ("POST", "/packs/reload", nil),
        ]
        for (method, path, body) in mutating {
            let bare = try await c.send(.init(rawValue: method), path, body: body.map { Data(JSONWriter.compact($0).utf8) })
            #expect(bare.status == 401 && bare.errorCode == "unauthorized", "\(method) \(path) without a token → \(bare.status)")
            let wrong = try await c.send(.init(rawValue: method), path, body: body.map { Data(JSONWriter.compact($0).utf8) },
                                         headers: [("Authorization", "Bearer nope")])
            #expect(wrong.status == 401, "\(method) \(path) with a wrong token → \(wrong.status)")
        }
        #expect((try? Data(contentsOf: server.sessionFile)) == before, "refused requests changed the store")
        let allowed = try await c.send(.POST, "/sessions", body: Data(#"{"tenant":"acme","user":"u1"}"#.utf8), headers: [("Authorization", "Bearer \(token)")])
        #expect(allowed.status == 200)
        #expect(try await c.get("/sessions?tenant=acme").status == 401, "reads of sessions need the token too (server.auth_reads)")
        #expect(try await c.send(.GET, "/sessions?tenant=acme", headers: [("Authorization", "Bearer \(token)")]).status == 200)
        #expect(try await c.get("/healthz").status == 200, "health stays open")
        #expect(try await c.post("/v3/directline/tokens/generate", json: [:]).status == 200, "Direct Line has its own tokens")
        // The CLI sends the token from the environment.
        let cli = try await CommandRunner.run(Paths.cli.path, ["runner", "clear", "--server", c.base],
                                              environment: ["GREENTIC_SERVER__AUTH_TOKEN": token], timeout: .seconds(30))
        #expect(cli.status == 0, "\(cli.stderr)")
        let refused = try await CommandRunner.run(Paths.cli.path, ["runner", "clear", "--server", c.base], timeout: .seconds(30))
        #expect(refused.status == 1 && refused.stderr.contains("Authorization: Bearer"))
        #expect(!(try String(contentsOf: env.directory.logs.appendingPathComponent("fixture-server.log"), encoding: .utf8)).contains(token),
                "the token is not logged")
    }
}

@Suite("The OpenAPI document passes a schema checker", .tags(.server))
struct OpenAPIValidationTests {
    @Test(.requires(executables: ["python3"]), .testEnv())
    func servedDocumentIsValidOpenAPI() async throws {
        let env = try TestEnv.required()
        let probe = try await CommandRunner.run("/usr/bin/env", ["python3", "-c", "import openapi_spec_validator"], timeout: .seconds(30))
        if probe.status != 0 {
            try Prerequisites.skipOrFail(["Python package openapi-spec-validator (python3 -m pip install openapi-spec-validator)"])
        }
        let server = try await ServerHarness.start(env)
        let served = try await server.client.get("/openapi.json")
        let file = env.directory.artifacts.appendingPathComponent("openapi.json")
        try served.body.write(to: file)
        let check = try await CommandRunner.run("/usr/bin/env", ["python3", "-c", """
            import json, sys
            from openapi_spec_validator import validate
            validate(json.load(open(sys.argv[1])))
            print("valid")
            """, file.path], timeout: .seconds(60))
        #expect(check.status == 0 && check.stdout.contains("valid"), "\(check.stderr.suffix(1500))")
        // A broken document is caught, so the check is not vacuous.
        var broken = try JSONValue.parse(served.body).objectValue!
        broken["paths"] = ["/x": ["get": ["responses": "not an object"]]]
        try Data(JSONWriter.compact(.object(broken)).utf8).write(to: file)
        let refused = try await CommandRunner.run("/usr/bin/env", ["python3", "-c", "import json,sys\nfrom openapi_spec_validator import validate\nvalidate(json.load(open(sys.argv[1])))", file.path],
                                                  timeout: .seconds(60))
        #expect(refused.status != 0)
    }
}
