import Foundation
import TestSupport
import GreenticTestKit
import Testing

@Suite("Goldens and record modes")
struct GoldenTests {
    let value: JSONValue = ["text": "hello", "trace_id": "volatile", "n": 1]

    @Test func recordModeFromEnvironment() throws {
        #expect(try GoldenRecordMode.fromEnvironment([:]) == .missing)
        #expect(try GoldenRecordMode.fromEnvironment(["CI": "true"]) == .never)
        #expect(try GoldenRecordMode.fromEnvironment(["CI": "true", "GOLDEN_RECORD": "all"]) == .all)
        #expect(try GoldenRecordMode.fromEnvironment(["GOLDEN_RECORD": "FAILED"]) == .failed)
        #expect(throws: GoldenError.invalidRecordMode("sometimes")) {
            try GoldenRecordMode.fromEnvironment(["GOLDEN_RECORD": "sometimes"])
        }
    }

    @Test func neverModeRefusesMissingGolden() throws {
        let root = try Paths.temporary()
        defer { try? FileManager.default.removeItem(at: root) }
        let golden = Golden(root: root, mode: .never)
        #expect(throws: GoldenError.self) { try golden.check(value, named: "greeting") }
        #expect(!FileManager.default.fileExists(atPath: root.appendingPathComponent("greeting.json").path))
    }

    @Test func missingModeRecordsNormalisedThenMatches() throws {
        let root = try Paths.temporary()
        defer { try? FileManager.default.removeItem(at: root) }
        let golden = Golden(root: root, mode: .missing)
        #expect(try golden.check(value, named: "greeting") == .recorded)
        let written = try String(contentsOf: root.appendingPathComponent("greeting.json"), encoding: .utf8)
        #expect(written == "{\n  \"n\": 1,\n  \"text\": \"hello\"\n}\n")
        var changedVolatile = value
        if case .object(var o) = changedVolatile { o["trace_id"] = "other"; changedVolatile = .object(o) }
        #expect(try golden.check(changedVolatile, named: "greeting") == .matched)
    }

    @Test func mismatchReportsStructuralDiffAndKeepsFileUnlessFailedMode() throws {
        let root = try Paths.temporary()
        defer { try? FileManager.default.removeItem(at: root) }
        try Golden(root: root, mode: .missing).check(value, named: "greeting")
        let changed: JSONValue = ["text": "bye", "n": 1]
        do {
            try Golden(root: root, mode: .never).check(changed, named: "greeting")
            Issue.record("mismatch not detected")
        } catch let error as GoldenError {
            #expect("\(error)".contains("$.text: expected \"hello\", got \"bye\""))
        }
        let url = root.appendingPathComponent("greeting.json")
        #expect(try JSONValue.parse(Data(contentsOf: url))["text"] == "hello")
        #expect(throws: GoldenError.self) { try Golden(root: root, mode: .failed).check(changed, named: "greeting") }
        #expect(try JSONValue.parse(Data(contentsOf: url))["text"] == "bye")
        #expect(try Golden(root: root, mode: .all).check(value, named: "greeting") == .recorded)
        #expect(try JSONValue.parse(Data(contentsOf: url))["text"] == "hello")
    }
}
