import Foundation
import GreenticTestKit
import TestSupport
import Testing

@Suite("Pack tools and simulators through the CLI", .tags(.cli, .simulators, .providersSim))
struct PackToolsCLITests {
    /// Runs the CLI with this process's environment (so `GOLDEN_RECORD` reaches the project's
    /// golden checks) and `env` on top.
    func cli(_ args: [String], env: [String: String] = [:]) async throws -> CommandRunner.Output {
        try await CommandRunner.run(Paths.cli.path, args, environment: ProcessInfo.processInfo.environment.merging(env) { $1 },
                                    workingDirectory: Paths.packageRoot, timeout: .seconds(60))
    }

    /// Every flag the kit passes to its own executable is one the CLI takes (the CLI declares its
    /// options from the same names, so this holds unless an option stops using them).
    @Test func theCLITakesEveryFlagTheKitPasses() async throws {
        typealias C = KitCommandContract
        for (command, flags) in [(C.Serve.command, C.Serve.Flag.allCases.map(\.argument)), (C.RunnerSim.command, C.RunnerSim.Flag.allCases.map(\.argument))] {
            let help = try await cli([command, "--help"])
            #expect(help.status == 0, "\(help.stderr)")
            for flag in flags { #expect(help.stdout.contains(flag + " "), "\(command) --help does not list \(flag)") }
        }
    }

    @Test func projectPacksValidateAndRenderToTheProjectGolden() async throws {
        let validate = try await cli(["packs", "validate", "--packs", "Packs"])
        #expect(validate.status == 0 && validate.stdout == "Validated 6 pack(s) successfully.\n", "\(validate.stderr)")
        let render = try await cli(["sim", "render", "--packs", "Packs", "--golden", "Golden/render_reports.json"])
        #expect(render.status == 0, "\(render.stderr)")
        #expect(try String(contentsOf: Paths.packageRoot.appendingPathComponent("Golden/render_reports.json"), encoding: .utf8) == render.stdout)
        let caps = try await cli(["sim", "capabilities", "--file", "Fixtures/capabilities/providers.yaml"])
        #expect(caps.status == 0 && caps.stdout.contains("Capability parity holds"))
    }

    @Test func driftAndMissingGoldenFail() async throws {
        let dir = try Paths.temporary("golden")
        defer { try? FileManager.default.removeItem(at: dir) }
        let golden = dir.appendingPathComponent("g.json")
        // From what the renderer prints, not the project's golden (which GOLDEN_RECORD may be fixing).
        var items = try JSONValue.parse(try await cli(["sim", "render", "--packs", "Packs"]).stdout).arrayValue!
        var first = items[0].objectValue!
        first["message_count"] = 99
        items[0] = .object(first)
        try Data(JSONWriter.pretty(.array(items)).utf8).write(to: golden)
        let compareOnly = ["GOLDEN_RECORD": "never"]
        let drift = try await cli(["sim", "render", "--packs", "Packs", "--golden", golden.path], env: compareOnly)
        #expect(drift.status == 1)
        #expect(drift.stderr.contains("adaptive-advanced/card_fallback: $.message_count: expected 99, got 5"))
        let unset = try await cli(["sim", "render", "--packs", "Packs", "--golden", golden.path], env: ["GOLDEN_RECORD": ""])
        #expect(unset.status == 1, "GOLDEN_RECORD empty or unset compares only: \(unset.stderr)")
        let missing = try await cli(["sim", "render", "--packs", "Packs", "--golden", dir.appendingPathComponent("none.json").path], env: compareOnly)
        #expect(missing.status == 1 && missing.stderr.contains("not found"))
        #expect(!FileManager.default.fileExists(atPath: dir.appendingPathComponent("none.json").path))
        let recorded = try await cli(["sim", "render", "--packs", "Packs", "--golden", dir.appendingPathComponent("new.json").path, "--record"])
        #expect(recorded.status == 0 && FileManager.default.fileExists(atPath: dir.appendingPathComponent("new.json").path))
        let bogus = try await cli(["sim", "render", "--packs", "Packs", "--golden", golden.path], env: ["GOLDEN_RECORD": "sometimes"])
        #expect(bogus.status == 1 && bogus.stderr == "Error: GOLDEN_RECORD=sometimes is not one of never, missing, failed, all\n", "\(bogus.stderr)")
    }

    @Test func failedModeRewritesADriftedGoldenThroughTheCLIAndTheNextRunPasses() async throws {
        let dir = try Paths.temporary("golden-failed")
        defer { try? FileManager.default.removeItem(at: dir) }
        let original = try await cli(["sim", "render", "--packs", "Packs"]).stdout
        let golden = dir.appendingPathComponent("render_reports.json")
        try Data(original.replacingOccurrences(of: "\"bot_messages\": 3", with: "\"bot_messages\": 4").utf8).write(to: golden)
        let args = ["sim", "render", "--packs", "Packs", "--golden", golden.path]
        let first = try await cli(args, env: ["GOLDEN_RECORD": "failed"])
        #expect(first.status == 1, "the drifted run still fails")
        #expect(first.stderr.contains("$.bot_messages: expected 4, got 3") && first.stderr.contains("Re-recorded"), "\(first.stderr)")
        #expect(try String(contentsOf: golden, encoding: .utf8) == original, "rewritten as the renderer prints it")
        let next = try await cli(args, env: ["GOLDEN_RECORD": "never"])
        #expect(next.status == 0, "\(next.stderr)")
        let missing = dir.appendingPathComponent("absent.json")
        let created = try await cli(["sim", "render", "--packs", "Packs", "--golden", missing.path], env: ["GOLDEN_RECORD": "missing"])
        #expect(created.status == 0 && created.stderr.contains("recorded \(missing.path)"))
        #expect(try String(contentsOf: missing, encoding: .utf8) == original)
    }

    @Test(.enabled(if: Paths.conformance != nil, "conformance corpus not beside the project (set GREENTIC_CONFORMANCE_DIR)"))
    func conformanceCorpus() async throws {
        let c = Paths.conformance!.path
        let render = try await cli(["sim", "render", "--packs", "\(c)/packs", "--golden", "\(c)/harness/providers-sim/golden/render_reports.json"])
        #expect(render.status == 0, "\(render.stderr)")
        #expect(render.stdout == (try String(contentsOfFile: "\(c)/harness/providers-sim/golden/render_reports.json", encoding: .utf8)))
        let caps = try await cli(["sim", "capabilities", "--file", "\(c)/harness/providers-sim/capabilities/providers.yaml"])
        #expect(caps.status == 0)
        // The corpus references component binaries it does not ship: validation says so, per file.
        let validate = try await cli(["packs", "validate", "--packs", "\(c)/packs"])
        #expect(validate.status == 1)
        let errors = validate.stderr.split(separator: "\n")
        #expect(errors.count == 3 && errors.allSatisfy { $0.contains("component file components/") && $0.hasSuffix(".wasm)") }, "\(validate.stderr)")
    }
}

@Suite("runner-smoke through the CLI", .tags(.cli, .simulators, .runnerSmoke))
struct RunnerSmokeCLITests {
    func cli(_ args: [String]) async throws -> CommandRunner.Output {
        try await CommandRunner.run(Paths.cli.path, args, workingDirectory: Paths.packageRoot, timeout: .seconds(60))
    }

    @Test func usageErrorsExitTwoAndBrokenInputsOne() async throws {
        let none = try await cli(["sim", "smoke"])
        #expect(none.status == 2 && none.stderr.contains("give --cases DIR, --effect-log FILE, or both"))
        let unknown = try await cli(["sim", "smoke", "--bogus"])
        #expect(unknown.status == 2)
        let missing = try await cli(["sim", "smoke", "--cases", "/nonexistent-cases"])
        #expect(missing.status == 1 && missing.stderr.contains("does not exist") && missing.stderr.split(separator: "\n").count == 1)
        let dir = try Paths.temporary("smoke-cli")
        defer { try? FileManager.default.removeItem(at: dir) }
        let log = dir.appendingPathComponent("effects.jsonl")
        try Data("{\"trace_id\":\"\(String(repeating: "a", count: 32))\",\"tenant_id\":\"t\",\"session_id\":\"s\",\"sequence\":2,\"event\":\"state_write\"}\n".utf8).write(to: log)
        let bad = try await cli(["sim", "smoke", "--effect-log", log.path])
        #expect(bad.status == 1 && bad.stderr.contains("line 1: session s of t: sequence 2, expected 1"))
    }

    @Test(.enabled(if: Paths.conformance != nil, "conformance corpus not beside the project (set GREENTIC_CONFORMANCE_DIR)"))
    func conformanceCases() async throws {
        let out = try await cli(["sim", "smoke", "--cases", Paths.conformance!.appendingPathComponent("harness/runner-smoke/cases").path])
        #expect(out.status == 0)
        #expect(out.stdout == "runner-smoke: 2 case(s), 3 session(s) verified (tenant isolation + session continuity + state writes)\n")
    }
}

@Suite("Provider renders and external pack checks through the CLI", .tags(.cli, .simulators, .providersSim))
struct ProviderRenderCLITests {
    func cli(_ args: [String], env: [String: String] = [:]) async throws -> CommandRunner.Output {
        try await CommandRunner.run(Paths.cli.path, args, environment: ProcessInfo.processInfo.environment.merging(env) { $1 },
                                    workingDirectory: Paths.packageRoot, timeout: .seconds(60))
    }

    @Test func providerRendersMatchTheirGolden() async throws {
        let out = try await cli(["sim", "render", "--packs", "Packs", "--providers", "Fixtures/capabilities/providers.yaml",
                                 "--golden", "Golden/provider_renders.json"])
        #expect(out.status == 0, "\(out.stderr)")
        let renders = try JSONValue.parse(out.stdout).arrayValue ?? []
        let slackCard = renders.first { $0["provider"] == "slack" && $0["scenario_id"] == "card_roundtrip" }
        #expect(slackCard?.value(atPath: "messages.0.text")?.stringValue?.contains("Order #1042") == true, "card summarised for slack")
        #expect(slackCard?.value(atPath: "downgrades.0.capability") == "adaptive_cards")
        let webCard = renders.first { $0["provider"] == "simulator" && $0["scenario_id"] == "card_roundtrip" }
        #expect(webCard?.value(atPath: "messages.0.attachments.0.contentType") == "application/vnd.microsoft.card.adaptive")
    }

    @Test func failingExternalValidatorIsAnError() async throws {
        let dir = try Paths.temporary("tools")
        defer { try? FileManager.default.removeItem(at: dir) }
        let tool = dir.appendingPathComponent("greentic-dev")
        try ExecutableScript.write("#!/bin/sh\ncase \"$3\" in *demo-menu*) echo 'schema: missing entrypoint' >&2; exit 3;; esac\nexit 0\n", to: tool)
        let out = try await cli(["packs", "validate", "--packs", "Packs"], env: ["PATH": dir.path + ":" + (ProcessInfo.processInfo.environment["PATH"] ?? "")])
        #expect(out.status == 1)
        #expect(out.stderr.contains("demo-menu/pack.json: greentic-dev pack validate failed with exit 3: schema: missing entrypoint"), "\(out.stderr)")
        #expect(out.stderr.contains("ran \(tool.path) on every pack"))
    }
}

/// The sample files of the documents (`<!-- file: … -->` blocks: a pack in
/// `docs/adding-a-pack.md`, a scenario file in `docs/scenarios.md`) are accepted by the CLI
/// commands the documents tell a reader to run.
@Suite("Documentation sample files through the CLI", .tags(.cli))
struct DocSampleFilesCLITests {
    @Test func theDocumentsSampleFilesAreAccepted() async throws {
        let files = try DocSamples.files(root: Paths.packageRoot)
        let dir = try Paths.temporary("doc-files")
        defer { try? FileManager.default.removeItem(at: dir) }
        for file in files {
            let url = dir.appendingPathComponent(file.file!)
            try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try Data((file.code + "\n").utf8).write(to: url)
        }
        let packs = files.compactMap(\.file).filter { $0.hasSuffix("/pack.json") }
        let scenarios = files.compactMap(\.file).filter { !$0.contains("/") && ($0.hasSuffix(".yaml") || $0.hasSuffix(".json")) }
        #expect(!packs.isEmpty && !scenarios.isEmpty, "no sample pack or scenario file found in the documents")

        let packsRoot = dir.appendingPathComponent("packs")
        for pack in packs {
            let folder = String(pack.dropLast("/pack.json".count))
            try FileManager.default.createDirectory(at: packsRoot, withIntermediateDirectories: true)
            try FileManager.default.moveItem(at: dir.appendingPathComponent(folder), to: packsRoot.appendingPathComponent(folder))
        }
        let validate = try await CommandRunner.run(Paths.cli.path, ["packs", "validate", "--packs", packsRoot.path], timeout: .seconds(60))
        #expect(validate.status == 0, "packs validate: \(validate.stdout)\(validate.stderr)")
        let check = try await CommandRunner.run(Paths.cli.path, ["scenario", "check"] + scenarios.map { dir.appendingPathComponent($0).path },
                                                timeout: .seconds(60))
        #expect(check.status == 0 && check.stdout.hasPrefix("ok "), "scenario check: \(check.stdout)\(check.stderr)")

        // And the check is not a formality: a broken copy is refused, naming the file.
        let broken = dir.appendingPathComponent("broken.yaml")
        try Data("version: 1\nname: x\nsteps:\n  - publsh: {subject: a}\n".utf8).write(to: broken)
        let refused = try await CommandRunner.run(Paths.cli.path, ["scenario", "check", broken.path], timeout: .seconds(60))
        #expect(refused.status == 1 && refused.stderr.hasPrefix("\(broken.path): "), "\(refused.stderr)")
    }
}
