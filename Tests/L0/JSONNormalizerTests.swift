import Foundation
import TestSupport
import GreenticTestKit
import Testing

@Suite("Fixture normaliser")
struct JSONNormalizerTests {
    @Test func projectFixtureNormalisesToExpectation() throws {
        let fixture = Fixture(root: Paths.fixtures)
        let normalised = JSONNormalizer().normalize(try fixture.json("expected/normalize_input.json"))
        let expected = try fixture.json("expected/normalize_output.json")
        #expect(normalised == expected, "\(JSONDiff.report(expected: expected, actual: normalised))")
    }

    @Test(.enabled(if: Paths.conformance != nil, "conformance corpus not beside the project (set GREENTIC_CONFORMANCE_DIR)"))
    func originalFixtureNormalisesAsTheOriginalDid() throws {
        let input = try Fixture(root: Paths.conformance!.appendingPathComponent("fixtures")).json("expected/normalize_input.json")
        let expected = try JSONValue.parse(#"{"payload":{"nested":{"keep":"ok"},"list":[{"value":1}]}}"#)
        #expect(JSONNormalizer().normalize(input) == expected)
    }

    @Test(arguments: [
        ("123e4567-e89b-12d3-a456-426614174000", true),
        ("123E4567-E89B-12D3-A456-426614174000", true),
        ("0123456789abcdef0123456789abcdef0123", true),
        ("123e4567-e89b-12d3-a456-42661417400", false),
        ("123e4567e-89b-12d3-a456-426614174000", false),
        ("123e4567-e89b-12d3-a456-42661417400g", false),
    ])
    func uuidShape(value: String, redacted: Bool) {
        #expect(JSONNormalizer.isUUIDShaped(value) == redacted)
    }

    @Test func dropsTraceAndSpanIdsButKeepsOtherIds() {
        let input: JSONValue = ["parent_span_id": "x", "root_trace_id": "y", "session_id": "s", "idempotency_key": "k", "Timestamp": 1]
        #expect(JSONNormalizer().normalize(input) == ["session_id": "s", "idempotency_key": "k"])
    }

    @Test func configurableKeysAreDroppedOrRedacted() {
        let normalizer = JSONNormalizer(extraDroppedKeys: ["Build_Number"], redactedKeys: ["token"])
        let input: JSONValue = ["build_number": 7, "token": "abc", "keep": [1, 2]]
        #expect(normalizer.normalize(input) == ["token": "<redacted:token>", "keep": [1, 2]])
    }

    @Test func missingAndInvalidFixturesNameThePath() throws {
        let dir = try Paths.temporary()
        defer { try? FileManager.default.removeItem(at: dir) }
        try Data("{not json".utf8).write(to: dir.appendingPathComponent("bad.json"))
        let fixture = Fixture(root: dir)
        #expect(throws: FixtureError.unreadable(path: dir.appendingPathComponent("nope.json").path)) {
            try fixture.json("nope.json")
        }
        do {
            _ = try fixture.json("bad.json")
            Issue.record("invalid JSON was accepted")
        } catch let error as FixtureError {
            #expect("\(error)".contains("invalid JSON in fixture \(dir.path)/bad.json"))
        }
    }
}
