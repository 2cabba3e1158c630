import Foundation
import GreenticTestKit
import GreenticTestKitTesting
import TestSupport
import Testing

@Suite("Fixture server process: durability, watch, signals, config", .tags(.server))
struct ServerLifecycleTests {
    @Test(.testEnv(), .tags(.durability))
    func killDuringUpsertBurstLosesNoAcknowledgedSession() async throws {
        let env = try TestEnv.required()
        let first = try await ServerHarness.start(env, name: "victim")
        let acked = try await UpsertBurst.acknowledgedUntilKilled(first)
        #expect(acked.count >= 300)

        let second = try await ServerHarness.start(env, name: "restarted", environment: [
            "GREENTIC_STORES__SESSION__FILE_PATH": first.sessionFile.path,
        ])
        let lost = acked.subtracting(try await UpsertBurst.present(second))
        #expect(lost.isEmpty, "\(lost.count) acknowledged session(s) lost, e.g. \(lost.prefix(5))")
    }

    @Test(.testEnv())
    func corruptFileIsAStartupErrorAndLeftUntouched() async throws {
        let env = try TestEnv.required()
        let file = env.directory.artifacts.appendingPathComponent("corrupt.json")
        let content = #"{"format":"greentic-sessions-journal","version":1}"# + "\n" + #"{"op":"put","record":{"key":"a","tenant":"t"}}"# + "\n" + "garbage line\n" + #"{"op":"put","record":{"key":"b","tenant":"t"}}"# + "\n"
        try Data(content.utf8).write(to: file)
        do {
            _ = try await ServerHarness.start(env, environment: ["GREENTIC_STORES__SESSION__FILE_PATH": file.path])
            Issue.record("server started on a corrupt file")
        } catch let error as ServiceError {
            #expect("\(error)".contains("exited with status 1"))
            #expect("\(error)".contains("\(file.path) is corrupt at byte 98"), "\(error)")
        }
        #expect(try String(contentsOf: file, encoding: .utf8) == content)
    }

    @Test(.testEnv())
    func watchReflectsEditsAdditionsAndRemovalsAndIgnoresTouches() async throws {
        let env = try TestEnv.required()
        let server = try await ServerHarness.start(env, arguments: ["--watch"])
        let c = server.client
        /// Polls the server until `condition` holds; the bound only stops a hung test (how fast
        /// a change shows is not this test's claim).
        func waitFor(_ what: String, _ path: String = "/packs", _ condition: @escaping (JSONValue) -> Bool) async throws {
            let start = ContinuousClock.now
            while ContinuousClock.now - start < .seconds(20) {
                if let json = try await c.get(path).json, condition(json) { return }
                try await Task.sleep(for: .milliseconds(25))
            }
            Issue.record("\(what) not reflected: \(try await c.get(path).text)")
        }
        func ids(_ j: JSONValue) -> [String] { j["packs"]?.arrayValue?.compactMap { $0["id"]?.stringValue } ?? [] }
        func counter(_ name: String) async throws -> Int { try #require(try await c.get("/healthz").json?.value(atPath: "packs.\(name)")?.intValue) }

        let manifest = server.packs.appendingPathComponent("zeta-pack/pack.json")
        var edited = try JSONValue.parse(Data(contentsOf: manifest)).objectValue!
        // A burst of edits: the last one is what the index ends with.
        for name in ["Zeta one", "Zeta two", "Zeta renamed"] {
            edited["name"] = .string(name)
            try PackWriter.write(.object(edited), to: manifest)
        }
        try await waitFor("edit") { $0["packs"]?.arrayValue?.last?["name"] == "Zeta renamed" }

        try PackWriter.write(root: server.packs, id: "added-pack")
        try await waitFor("addition") { ids($0).contains("added-pack") }

        try FileManager.default.removeItem(at: server.packs.appendingPathComponent("alpha-pack"))
        try await waitFor("removal") { !ids($0).contains("alpha-pack") }

        // A touch changes no content: once the watcher has looked at the tree for longer than
        // its debounce (4 polls of 100 ms after the one in flight, against 200 ms), still no reload.
        func fivePolls(_ what: String) async throws {
            let polls = try await counter("watch_polls")
            try await waitFor(what, "/healthz") { ($0.value(atPath: "packs.watch_polls")?.intValue ?? 0) >= polls + 5 }
        }
        try await fivePolls("polls before the touch")   // the removal has surely settled and been applied
        let reloadsBeforeTouch = try await counter("reloads")
        try FileManager.default.setAttributes([.modificationDate: Date().addingTimeInterval(60)], ofItemAtPath: manifest.path)
        try await fivePolls("polls after the touch")
        #expect(try await counter("reloads") == reloadsBeforeTouch, "a touch without a content change reloads nothing")

        let reloadsBeforeBreak = try await counter("reloads")
        try Data("{ broken".utf8).write(to: manifest)
        try await waitFor("the broken edit's reload", "/healthz") {
            ($0.value(atPath: "packs.reloads")?.intValue ?? 0) > reloadsBeforeBreak && $0.value(atPath: "packs.last_reload_error")?.stringValue != nil
        }
        #expect(ids(try await c.get("/packs").json ?? .null).contains("zeta-pack"), "a broken edit keeps the last good index")
        let health = try #require(try await c.get("/healthz").json)
        #expect(health.value(atPath: "packs.last_reload_error")?.stringValue?.contains("zeta-pack/pack.json") == true)
    }

    @Test(.testEnv(), arguments: [(SIGINT, false), (SIGTERM, false), (SIGINT, true), (SIGTERM, true)])
    func signalsStopTheServerWithinASecond(signal: Int32, watch: Bool) async throws {
        let env = try TestEnv.required()
        let server = try await ServerHarness.start(env, arguments: watch ? ["--watch"] : [])
        let started = ContinuousClock.now
        kill(server.process.pid, signal)
        let status = await server.process.waitForExit(timeout: .seconds(1))
        #expect(status == .exited(0), "after \(ContinuousClock.now - started): \(String(describing: status))")
        #expect(server.process.logTail(lines: 5).contains("server shut down cleanly"))
    }

    @Test(.testEnv())
    func configPrecedenceDefaultsFileEnvFlags() async throws {
        let env = try TestEnv.required()
        let root = env.directory.artifacts
        for name in ["file-packs", "flag-packs", "project-packs", "user-packs"] {
            try PackWriter.write(root: root.appendingPathComponent(name), id: name)
        }
        let file = root.appendingPathComponent("custom.toml")
        try Data("""
        [packs]
        root = "file-packs"
        [defaults]
        tenant = "file-tenant"
        team = "file-team"
        """.utf8).write(to: file)
        func tenantAndPacks(_ server: ServerHarness.Started) async throws -> (String?, String?, [String]) {
            let s = try #require(try await server.client.post("/sessions", json: ["user": "u1"]).json)
            let packs = try await server.client.get("/packs?tenant=").json?["packs"]?.arrayValue?.compactMap { $0["id"]?.stringValue } ?? []
            return (s["tenant"]?.stringValue, s["team"]?.stringValue, packs)
        }
        // File only (relative packs root is resolved against the working directory).
        let fileOnly = try await startRaw(env, name: "file-only-2", arguments: ["--config", file.path])
        #expect(try await tenantAndPacks(fileOnly) == ("file-tenant", "file-team", ["file-packs"]))
        // Environment over file.
        let envOver = try await startRaw(env, name: "env-over", arguments: ["--config", file.path],
                                         environment: ["GREENTIC_DEFAULTS__TENANT": "env-tenant", "GREENTIC_PACKS__ROOT": "user-packs"])
        #expect(try await tenantAndPacks(envOver) == ("env-tenant", "file-team", ["user-packs"]))
        // Flags over environment.
        let flagOver = try await startRaw(env, name: "flag-over", arguments: ["--config", file.path, "--packs", root.appendingPathComponent("flag-packs").path],
                                          environment: ["GREENTIC_PACKS__ROOT": "user-packs"])
        #expect(try await tenantAndPacks(flagOver).2 == ["flag-packs"])
        // Without --config: config/dev.toml in the working directory, then the per-user file.
        let xdg = root.appendingPathComponent("xdg/greentic-integration")
        try FileManager.default.createDirectory(at: xdg, withIntermediateDirectories: true)
        try Data("[defaults]\ntenant = \"user-tenant\"\n[packs]\nroot = \"user-packs\"\n".utf8).write(to: xdg.appendingPathComponent("config.toml"))
        let userFile = try await startRaw(env, name: "user-file")
        #expect(try await tenantAndPacks(userFile) == ("user-tenant", nil, ["user-packs"]))
        try FileManager.default.createDirectory(at: root.appendingPathComponent("config"), withIntermediateDirectories: true)
        try Data("[defaults]\ntenant = \"project-tenant\"\n[packs]\nroot = \"project-packs\"\n".utf8).write(to: root.appendingPathComponent("config/dev.toml"))
        let projectFile = try await startRaw(env, name: "project-file")
        #expect(try await tenantAndPacks(projectFile) == ("project-tenant", nil, ["project-packs"]))
        // A missing --config file is an error, not a silent default.
        await #expect(throws: ServiceError.self) { _ = try await startRaw(env, name: "missing-config", arguments: ["--config", "nope.toml"]) }
    }

    /// Starts a server without forcing `--packs`, so the configured root applies.
    func startRaw(_ env: TestEnv, name: String, arguments: [String] = [], environment: [String: String] = [:]) async throws -> ServerHarness.Started {
        let root = env.directory.artifacts
        var e = ["XDG_CONFIG_HOME": root.appendingPathComponent("xdg").path,
                 "GREENTIC_STORES__SESSION__FILE_PATH": root.appendingPathComponent("\(name).json").path]
        e.merge(environment) { _, n in n }
        let process = try await env.start(.fixtureServer(name: name, arguments: arguments, environment: e, workingDirectory: root))
        let port = Int(process.capture("port") ?? "") ?? 0
        return ServerHarness.Started(client: HTTPTestClient(port: port), process: process, packs: root, sessionFile: root, port: port)
    }

    /// With no session path given, the server's data lands in the test's folder — not in a
    /// `.data/` folder of the package that every test and run would share.
    @Test(.testEnv())
    func theDefaultSpecKeepsItsDataInTheTestFolder() async throws {
        let env = try TestEnv.required()
        let shared = URL(fileURLWithPath: FileManager.default.currentDirectoryPath).appendingPathComponent(".data/sessions.json")
        let before = FileManager.default.contents(atPath: shared.path)
        let spec = ServiceSpec.fixtureServer(name: "plain", arguments: ["--packs", env.directory.artifacts.path])
        let data = env.directory.artifacts.appendingPathComponent("plain")
        #expect(spec.workingDirectory?.standardizedFileURL.path == data.path)
        #expect(spec.environment["GREENTIC_STORES__SESSION__FILE_PATH"] == data.appendingPathComponent("sessions.json").path)
        let process = try await env.start(spec)
        let client = HTTPTestClient(port: Int(process.capture("port") ?? "") ?? 0)
        #expect(try await client.post("/sessions", json: ["tenant": "acme", "user": "u1"]).status == 200)
        #expect(FileManager.default.fileExists(atPath: data.appendingPathComponent("sessions.json").path))
        #expect(FileManager.default.contents(atPath: shared.path) == before, "the package's .data/ was not touched")
    }
}
