import Foundation
import GreenticTestKit
import Simulators
import TestSupport
import Testing

@Suite("runner-smoke invariants and the effect-log schema", .tags(.simulators, .runnerSmoke))
struct RunnerSmokeTests {
    func check(_ runs: JSONValue) throws -> Int {
        let dir = try Paths.temporary("smoke")
        defer { try? FileManager.default.removeItem(at: dir) }
        try PackWriter.write(["name": "c", "runs": runs], to: dir.appendingPathComponent("c.json"))
        return try RunnerSmoke.verify(casesIn: dir).sessions
    }

    func run(_ events: [JSONValue], snapshot: JSONValue = ["writer": "runner", "bytes_written": 10], tenant: String = "t") -> JSONValue {
        ["tenant_id": .string(tenant), "session_id": "s1", "events": .array(events), "state_snapshot": snapshot]
    }

    func ev(_ seq: Int, _ kind: String = "bot_message", tenant: String = "t", trace: String? = nil) -> JSONValue {
        var e: [String: JSONValue] = ["sequence": .number(Double(seq)), "kind": .string(kind), "tenant_id": .string(tenant)]
        if let trace { e["trace_id"] = .string(trace) }
        return .object(e)
    }

    let trace1 = String(repeating: "a", count: 32)

    @Test func validCasePasses() throws {
        #expect(try check([run([ev(5), ev(6, "state_write", trace: trace1)])]) == 1)
    }

    @Test func eachInvariantHasItsMessage() {
        let cases: [(JSONValue, String)] = [
            (.array([]), "case 'c' contains no runs"),
            ([run([ev(1), ev(2, tenant: "x")])], "session s1 leaked tenant boundary: event tenant x expected t"),
            ([run([])], "session s1 has no events"),
            ([run([ev(1), ev(3)])], "session s1 sequence gap: 1 -> 3"),
            ([run([ev(1)], snapshot: .null)], "session s1 missing state snapshot"),
            ([run([ev(1)], snapshot: ["writer": "r", "bytes_written": 0])], "session s1 state snapshot was empty"),
            ([run([ev(1)], snapshot: ["writer": " ", "bytes_written": 1])], "session s1 invalid state writer metadata (writer missing)"),
            ([run([ev(1)])], "session s1 never emitted a state_write event"),
            ([run([ev(1, "state_write")])], "session s1 missing trace_id for state_write event at sequence 1"),
            ([run([ev(1, "state_write", trace: trace1), ev(2, "state_write", trace: trace1)])],
             "trace_id \(String(repeating: "a", count: 32)) seen multiple times; effect log once-only invariant violated"),
        ]
        for (runs, message) in cases {
            do {
                _ = try check(runs)
                Issue.record("accepted: \(message)")
            } catch {
                #expect("\(error)" == "case 'c': invariant failed: \(message)" || "\(error)" == message, "\(error)")
            }
        }
    }

    @Test(.enabled(if: Paths.conformance != nil, "conformance corpus not beside the project"))
    func conformanceCasesVerify() throws {
        let report = try RunnerSmoke.verify(casesIn: Paths.conformance!.appendingPathComponent("harness/runner-smoke/cases"))
        #expect(report.summary == "runner-smoke: 2 case(s), 3 session(s) verified (tenant isolation + session continuity + state writes)")
    }

    @Test func effectLogRules() {
        let t = String(repeating: "b", count: 32), u = String(repeating: "c", count: 32)
        let good = """
        {"trace_id":"\(t)","tenant_id":"acme","session_id":"s","sequence":1,"event":"session_start"}
        {"trace_id":"\(t)","tenant_id":"acme","session_id":"s","sequence":2,"event":"state_write","payload_hash":"\(String(repeating: "d", count: 64))"}
        {"trace_id":"\(u)","tenant_id":"acme","session_id":"s","sequence":3,"event":"session_end"}
        """
        #expect(EffectLogValidator.validate(good) == [])
        let bad = """
        {"trace_id":"XYZ","tenant_id":"","session_id":"s","sequence":0,"event":"bot_message","extra":1}
        {"trace_id":"\(t)","tenant_id":"acme","session_id":"s","sequence":1,"event":"state_write"}
        {"trace_id":"\(t)","tenant_id":"acme","session_id":"s","sequence":3,"event":"state_write"}
        not json
        """
        #expect(EffectLogValidator.validate(bad) == [
            "line 1: additional property 'extra' is not allowed",
            "line 1: trace_id must match ^[a-f0-9]{32}$",
            "line 1: tenant_id must be a non-empty string",
            "line 1: sequence must be an integer ≥ 1",
            "line 1: event must be one of session_end, session_start, state_write",
            "line 3: session s of acme: sequence 3, expected 2",
            "line 3: trace_id \(t) has a second state_write (first at line 2)",
            "line 4: not a JSON object",
        ])
    }
}
