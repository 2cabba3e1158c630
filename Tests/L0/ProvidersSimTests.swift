import Foundation
import GreenticTestKit
import Simulators
import TestSupport
import Testing

@Suite("providers-sim: RenderReport and capability parity", .tags(.simulators, .providersSim))
struct ProvidersSimTests {
    @Test func reportCountsActorsExactlyAndHashesLines() {
        let report = RenderReport(packID: "p", scenarioID: "s", transcript: ["BOT: hi", "USER: yo", "SYSTEM: x", "User: no", "EVENT: e", "no colon"])
        #expect(report.messageCount == 6)
        #expect((report.botMessages, report.userMessages, report.systemMessages) == (1, 1, 1))
        #expect(RenderReport.hash([]) == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        #expect(RenderReport.hash(["a"]) == "87428fc522803d31065e7bce3cf03fe475096631e5e07bbd7a0fde60c4cf25c7", "sha256(\"a\\n\")")
    }

    @Test(.enabled(if: Paths.conformance != nil, "conformance corpus not beside the project"))
    func reproducesTheOriginalGoldenByteForByte() throws {
        let conformance = Paths.conformance!
        let reports = try ProviderRenderer.reports(packsRoot: conformance.appendingPathComponent("packs"))
        let golden = try String(contentsOf: conformance.appendingPathComponent("harness/providers-sim/golden/render_reports.json"), encoding: .utf8)
        #expect(RenderReport.document(reports) == golden)
    }

    /// Renders the packs and checks `render_reports.json` under the golden's root, per its record mode.
    @discardableResult
    static func checkRenderGolden(_ golden: Golden) throws -> Golden.Outcome {
        let reports = try ProviderRenderer.reports(packsRoot: Paths.packageRoot.appendingPathComponent("Packs"))
        #expect(reports.count == 7)
        return try golden.check(document: RenderReport.document(reports), named: "render_reports.json") {
            try ProviderRenderer.drift(reports, golden: $0)
        }
    }

    /// The project's golden goes through `GOLDEN_RECORD` (`never` under CI).
    @Test func projectGoldenMatchesProjectPacks() throws {
        try Self.checkRenderGolden(Golden.fromEnvironment(root: Paths.packageRoot.appendingPathComponent("Golden")))
    }

    @Test func failedModeRewritesADriftedGoldenAndTheNextRunPasses() throws {
        let dir = try Paths.temporary("render-golden")
        defer { try? FileManager.default.removeItem(at: dir) }
        // What the renderer prints, not the project's golden (which this very mode may be fixing).
        let original = RenderReport.document(try ProviderRenderer.reports(packsRoot: Paths.packageRoot.appendingPathComponent("Packs")))
        let scratch = dir.appendingPathComponent("render_reports.json")
        try Data(original.replacingOccurrences(of: "\"message_count\": 5", with: "\"message_count\": 6").utf8).write(to: scratch)
        #expect(throws: GoldenError.self, "a drifted golden fails under never") { try Self.checkRenderGolden(Golden(root: dir, mode: .never)) }
        #expect(try String(contentsOf: scratch, encoding: .utf8) != original, "never leaves it as it was")
        do {
            try Self.checkRenderGolden(Golden(root: dir, mode: .failed))
            Issue.record("a drifted golden must fail even while it is re-recorded")
        } catch GoldenError.mismatch(_, let diff, let rerecorded) {
            #expect(rerecorded && diff.contains("$.message_count: expected 6, got 5"), "\(diff)")
        }
        #expect(try String(contentsOf: scratch, encoding: .utf8) == original, "rewritten byte for byte as the renderer prints it")
        #expect(try Self.checkRenderGolden(Golden(root: dir, mode: .never)) == .matched)
        try FileManager.default.removeItem(at: scratch)
        #expect(throws: GoldenError.self) { try Self.checkRenderGolden(Golden(root: dir, mode: .never)) }
        #expect(try Self.checkRenderGolden(Golden(root: dir, mode: .missing)) == .recorded)
        #expect(try String(contentsOf: scratch, encoding: .utf8) == original)
    }

    @Test func driftIsDescribed() throws {
        let reports = [RenderReport(packID: "p", scenarioID: "s", transcript: ["BOT: a"])]
        var golden = reports[0].orderedJSON.value.objectValue!
        golden["bot_messages"] = 2
        let lines = try ProviderRenderer.drift(reports, golden: .array([.object(golden), ["pack_id": "q", "scenario_id": "t", "message_count": 0, "bot_messages": 0, "user_messages": 0, "system_messages": 0, "transcript_hash": "x"]]))
        #expect(lines == ["p/s: $.bot_messages: expected 2, got 1", "q/t: in the golden, not rendered"])
    }

    @Test func capabilityRules() throws {
        let dir = try Paths.temporary("caps")
        defer { try? FileManager.default.removeItem(at: dir) }
        func check(_ yaml: String) throws -> [String] {
            let file = dir.appendingPathComponent("providers.yaml")
            try Data(yaml.utf8).write(to: file)
            return try CapabilityMap.load(path: file.path).violations()
        }
        let head = "reference_provider: ref\nsimulator_provider: sim\n"
        #expect(try check(head + "providers:\n  ref: {capabilities: [send, cards, stream]}\n  sim: {capabilities: [send, cards, extra]}\ndowngrades:\n  - {capability: stream, reason: sync}\n") == [])
        #expect(try check(head + "providers:\n  ref: {capabilities: [send, stream]}\n  sim: {capabilities: [send]}\ndowngrades: []\n")
                == ["Simulator missing capability 'stream' but downgrade rationale not documented"])
        #expect(try check(head + "providers:\n  ref: {capabilities: [send]}\n  sim: {capabilities: [send]}\ndowngrades:\n  - {capability: ghost, reason: r}\n")
                == ["Downgrade 'ghost' not present in reference provider capabilities"])
        #expect(try check(head + "providers:\n  ref: {capabilities: [send]}\n  sim: {capabilities: [send]}\ndowngrades:\n  - {capability: send, reason: r}\n")
                == ["Downgrade 'send' is documented but simulator already supports it"])
        #expect(try check(head + "providers:\n  sim: {capabilities: [send]}\ndowngrades: []\n") == ["reference provider missing"])
        #expect(throws: CapabilityError.self) { try check("reference_provider: ref\n") }
    }
}

@Suite("Pack validation rules")
struct PackValidatorTests {
    func validate(_ mutate: (URL) throws -> Void) throws -> [String] {
        let root = try Paths.temporary("validate")
        defer { try? FileManager.default.removeItem(at: root) }
        try PackWriter.write(root: root, id: "good")
        try mutate(root.appendingPathComponent("good"))
        return PackValidator(root: root).validate().errors.map { $0.replacingOccurrences(of: root.path, with: "ROOT") }
    }

    func edit(_ dir: URL, _ file: String, _ change: (inout [String: JSONValue]) -> Void) throws {
        let url = dir.appendingPathComponent(file)
        var object = try JSONValue.parse(Data(contentsOf: url)).objectValue!
        change(&object)
        try PackWriter.write(.object(object), to: url)
    }

    @Test func validPackPasses() throws {
        #expect(try validate { _ in } == [])
    }

    @Test func eachRuleHasAFixtureThatBreaksIt() throws {
        #expect(try validate { try Data("{".utf8).write(to: $0.appendingPathComponent("pack.json")) }.first?.hasPrefix("ROOT/good/pack.json: invalid JSON") == true)
        #expect(try validate { try Data("[]".utf8).write(to: $0.appendingPathComponent("pack.json")) } == ["ROOT/good/pack.json: manifest must be a JSON object, not array"])
        #expect(try validate { try edit($0, "pack.json") { $0["type"] = nil; $0["version"] = nil } } == ["ROOT/good/pack.json: missing fields ['type', 'version']"])
        #expect(try validate { try edit($0, "pack.json") { $0["version"] = "1.0" } } == ["ROOT/good/pack.json: version '1.0' is not SemVer (MAJOR.MINOR.PATCH[-pre][+build])"])
        #expect(try validate { try edit($0, "pack.json") { $0["scenarios"] = .array([]) } } == ["ROOT/good/pack.json: 'scenarios' must be a non-empty list"])
        #expect(try validate { try edit($0, "pack.json") { $0["scenarios"] = [["id": "greet"]] } } == ["ROOT/good/pack.json: scenario greet missing fields ['entry', 'golden']"])
        #expect(try validate { try edit($0, "pack.json") { $0["scenarios"] = ["x"] } } == ["ROOT/good/pack.json: scenario entries must be objects"])
        #expect(try validate { try edit($0, "scenarios/greet.json") { $0["scenario"] = "other" } } == ["ROOT/good/scenarios/greet.json: scenario id mismatch (expected greet)"])
        #expect(try validate { try edit($0, "scenarios/greet.json") { $0["steps"] = .array([]) } } == ["ROOT/good/scenarios/greet.json: steps must be a non-empty list"])
        #expect(try validate { try edit($0, "golden/greet.json") { $0["scenario_id"] = "x" } } == ["ROOT/good/golden/greet.json: scenario_id mismatch (expected greet)"])
        #expect(try validate { try edit($0, "golden/greet.json") { $0["transcript"] = ["BOT: Hello.", "USER: Hi"] } }
                == [#"ROOT/good/golden/greet.json: transcript drifts from the scenario steps at line 2: steps give "USER: Hi [a, b]", golden has "USER: Hi""#])
        #expect(try validate { try FileManager.default.removeItem(at: $0.appendingPathComponent("golden/greet.json")) } == ["Missing file: ROOT/good/golden/greet.json"])
        #expect(try validate { try FileManager.default.removeItem(at: $0.appendingPathComponent("README.md")) } == ["ROOT/good: README.md is required for contributor context"])
        #expect(try validate { try edit($0, "pack.json") { $0["components"] = [["id": "c", "path": "components/c.wasm"]] } }
                == ["ROOT/good/pack.json: component file components/c.wasm does not exist (ROOT/good/components/c.wasm)"])
        #expect(try validate { try edit($0, "pack.json") { $0["flows"] = [["id": "f", "file": "f.ygtc"]] } }
                == ["ROOT/good/pack.json: flow file f.ygtc does not exist (ROOT/good/f.ygtc)"])
        #expect(try validate { dir in
            try Data("type: events\nid: f\nnodes:\n  a:\n    noop:\n      routing:\n        default: b\n".utf8).write(to: dir.appendingPathComponent("f.ygtc"))
            try edit(dir, "pack.json") { $0["flows"] = [["id": "f", "file": "f.ygtc"]] }
        } == ["ROOT/good/f.ygtc: routing target names no node: a --default--> b"])
        #expect(try validate { dir in
            try Data("type: events\nnodes: {}\n".utf8).write(to: dir.appendingPathComponent("f.ygtc"))
            try edit(dir, "pack.json") { $0["flows"] = [["id": "f", "file": "f.ygtc"]] }
        } == ["invalid flow ROOT/good/f.ygtc: missing 'id'"])
    }

    @Test func duplicateIdsAcrossPacks() throws {
        let root = try Paths.temporary("dupes")
        defer { try? FileManager.default.removeItem(at: root) }
        try PackWriter.write(root: root, folder: "one", id: "same")
        try PackWriter.write(root: root, folder: "two", id: "same")
        let errors = PackValidator(root: root).validate().errors
        #expect(errors == ["\(root.path)/two/pack.json: duplicate pack id 'same' (also in \(root.path)/one/pack.json)"])
        #expect(PackValidator(root: root.appendingPathComponent("none")).validate().errors.count == 1)
    }
}
