import Foundation
import GreenticTestKit
import GreenticTestKitTesting
import TestSupport
import Testing

/// The served OpenAPI document against the running server, checked by schemathesis (PyPI): every
/// operation gets schema-driven valid and invalid requests (examples, coverage and fuzzing phases,
/// a fixed seed and a bounded example count), and every answer must match the document: statuses,
/// bodies, content types, valid requests accepted and invalid ones refused. Run once without a
/// server token and once with one, since the document and the guards differ.
@Suite("schemathesis finds nothing between the document and the server", .tags(.server))
struct SchemathesisTests {
    static let runner = """
        import sys
        from schemathesis.cli import schemathesis
        sys.argv[0] = "schemathesis"
        schemathesis()
        """

    static func requireSchemathesis() async throws {
        let probe = try await CommandRunner.run("/usr/bin/env", ["python3", "-c", "import schemathesis"], timeout: .seconds(60))
        if probe.status != 0 {
            try Prerequisites.skipOrFail(["Python package schemathesis (python3 -m pip install schemathesis)"])
        }
    }

    /// A schemathesis configuration: the global options, the conversation the Direct Line
    /// conversation routes are exercised on (they need its bound token), and the one rule of
    /// `DELETE /sessions` an OpenAPI document cannot state (a filter or `all=true`, not neither).
    static func configuration(serverToken: String?, conversation: String, conversationToken: String, maxExamples: Int) -> String {
        var lines = ["seed = 7", "generation.max-examples = \(maxExamples)", "checks.enabled = true"]
        if let serverToken { lines.append("headers = { Authorization = \"Bearer \(serverToken)\" }") }
        lines += [
            "",
            "[[operations]]",
            "include-name = \"DELETE /sessions\"",
            "checks.positive_data_acceptance.expected-statuses = [200, 400, 403]",
            "",
            "[[operations]]",
            #"include-path-regex = "^(/v3/directline)?/conversations/\\{id\\}/|^/v3/directline/tokens/refresh$|^/v3/directline/conversations$""#,
            "headers = { Authorization = \"Bearer \(conversationToken)\" }",
            "parameters = { \"path.id\" = \"\(conversation)\" }",
            "",
            "[[operations]]",
            "include-name = \"GET /v3/directline/conversations/{id}/stream\"",
            "checks.positive_data_acceptance.expected-statuses = [400, 401, 403, 404]",
        ]
        return lines.joined(separator: "\n") + "\n"
    }

    /// Runs schemathesis in `folder` against `schema` (a URL or a file, with `--url` for a file).
    static func run(in folder: URL, configuration: String, arguments: [String]) async throws -> CommandRunner.Output {
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let config = folder.appendingPathComponent("schemathesis.toml")
        try Data(configuration.utf8).write(to: config)
        var environment = ProcessInfo.processInfo.environment
        environment["NO_COLOR"] = "1"
        let output = try await CommandRunner.run("/usr/bin/env", ["python3", "-c", runner, "--config-file", config.path, "run"] + arguments
                                                     + ["--phases", "examples,coverage,fuzzing", "--report", "junit", "--report-dir", folder.path],
                                                 environment: environment, workingDirectory: folder, timeout: .seconds(600))
        try Data((output.stdout + output.stderr).utf8).write(to: folder.appendingPathComponent("schemathesis.txt"))
        return output
    }

    static func conversation(_ client: HTTPTestClient) async throws -> (id: String, token: String) {
        let issued = try #require(try await client.post("/v3/directline/tokens/generate", json: [:]).json?["token"]?.stringValue)
        let started = try await client.send(.POST, "/v3/directline/conversations", body: Data("{}".utf8),
                                            headers: [("Authorization", "Bearer \(issued)")])
        let id = try #require(started.json?["conversationId"]?.stringValue, "\(started.text)")
        let token = try #require(started.json?["token"]?.stringValue)
        return (id, token)
    }

    @Test(.requires(executables: ["python3"]), .testEnv(), arguments: [false, true])
    func servedDocumentMatchesTheServer(withServerToken: Bool) async throws {
        try await Self.requireSchemathesis()
        let env = try TestEnv.required()
        let serverToken = withServerToken ? "server-\(UUID().uuidString)" : nil
        let server = try await ServerHarness.start(env, environment: serverToken.map { ["GREENTIC_SERVER__AUTH_TOKEN": $0] } ?? [:])
        let (id, token) = try await Self.conversation(server.client)
        let folder = env.directory.artifacts.appendingPathComponent("schemathesis")
        let result = try await Self.run(in: folder,
                                        configuration: Self.configuration(serverToken: serverToken, conversation: id, conversationToken: token, maxExamples: 25),
                                        arguments: ["\(server.client.base)/openapi.json"])
        #expect(result.status == 0, "schemathesis found failures:\n\(result.stdout.suffix(6000))\n\(result.stderr.suffix(2000))")
        // Not vacuous: every documented operation was exercised (schemathesis leaves out the
        // document's own route, which other tests check against the committed file).
        let document = try #require(try await server.client.get("/openapi.json").json?["paths"]?.objectValue)
        let documented = Set(document.flatMap { path, item in (item.objectValue ?? [:]).keys.map { "\($0.uppercased()) \(path)" } })
        let report = try FileManager.default.contentsOfDirectory(at: folder, includingPropertiesForKeys: nil).first { $0.pathExtension == "xml" }
        let xml = try String(contentsOf: try #require(report, "no junit report in \(folder.path)"), encoding: .utf8)
        let tested = Set(xml.components(separatedBy: "<testcase name=\"").dropFirst().compactMap { $0.split(separator: "\"").first.map(String.init) })
        #expect(documented.subtracting(tested) == ["GET /openapi.json"], "untested: \(documented.subtracting(tested).sorted())")
        #expect(tested.isSubset(of: documented), "tested but undocumented: \(tested.subtracting(documented).sorted())")
        #expect(documented.count >= 20)
    }

    /// A document that is looser than the server (here: `user` no longer required on an upsert)
    /// makes schemathesis fail, so the check above can fail.
    @Test(.requires(executables: ["python3"]), .testEnv())
    func aDocumentLooserThanTheServerIsCaught() async throws {
        try await Self.requireSchemathesis()
        let env = try TestEnv.required()
        let server = try await ServerHarness.start(env)
        let (id, token) = try await Self.conversation(server.client)
        var document = try #require(try await server.client.get("/openapi.json").json?.objectValue)
        var components = try #require(document["components"]?.objectValue)
        var schemas = try #require(components["schemas"]?.objectValue)
        var upsert = try #require(schemas["SessionUpsert"]?.objectValue)
        let required = try #require(upsert["required"]?.arrayValue)
        #expect(required.contains("user"))
        upsert["required"] = .array(required.filter { $0 != "user" })
        schemas["SessionUpsert"] = .object(upsert)
        components["schemas"] = .object(schemas)
        document["components"] = .object(components)
        let folder = env.directory.artifacts.appendingPathComponent("schemathesis-loose")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let file = folder.appendingPathComponent("openapi.json")
        try Data(JSONWriter.compact(.object(document)).utf8).write(to: file)
        let result = try await Self.run(in: folder,
                                        configuration: Self.configuration(serverToken: nil, conversation: id, conversationToken: token, maxExamples: 25),
                                        arguments: [file.path, "--url", server.client.base, "--include-name", "POST /sessions"])
        #expect(result.status != 0, "a looser document passed:\n\(result.stdout.suffix(3000))")
        #expect(result.stdout.contains("POST /sessions"))
    }
}
