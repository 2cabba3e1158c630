import Foundation
import GreenticTestKit

/// Checks effect-log JSONL against `effect_log.schema.json` (required `trace_id` of 32 lower-hex,
/// non-empty `tenant_id` and `session_id`, integer `sequence` ≥ 1, `event` one of
/// `state_write|session_start|session_end`, optional 64-hex `payload_hash`, nothing else) and
/// across entries: each session's sequence starts at 1 and has no gaps, and a trace id has at
/// most one `state_write`.
package enum EffectLogValidator {
    static let events: Set<String> = ["state_write", "session_start", "session_end"]
    static let allowed: Set<String> = ["trace_id", "tenant_id", "session_id", "sequence", "event", "payload_hash"]

    /// Every problem as `line N: message`; empty when the log is valid.
    public static func validate(_ text: String) -> [String] {
        var errors: [String] = []
        var nextSequence: [String: Int] = [:]
        var stateWrites: [String: Int] = [:]
        for (index, raw) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let line = raw.trimmingCharacters(in: .whitespaces)
            if line.isEmpty { continue }
            let n = index + 1
            func fail(_ m: String) { errors.append("line \(n): \(m)") }
            guard let entry = try? JSONValue.parse(line), case .object(let o) = entry else { fail("not a JSON object"); continue }
            for key in o.keys.sorted() where !allowed.contains(key) { fail("additional property '\(key)' is not allowed") }
            for key in ["trace_id", "tenant_id", "session_id", "sequence", "event"] where o[key] == nil { fail("missing required '\(key)'") }
            if let t = o["trace_id"] { if !isHex(t.stringValue, 32) { fail("trace_id must match ^[a-f0-9]{32}$") } }
            for key in ["tenant_id", "session_id"] { if let v = o[key], (v.stringValue ?? "").isEmpty { fail("\(key) must be a non-empty string") } }
            var sequence: Int?
            if let s = o["sequence"] {
                if let d = s.doubleValue, d == d.rounded(), d >= 1 { sequence = Int(d) } else { fail("sequence must be an integer ≥ 1") }
            }
            if let e = o["event"], !events.contains(e.stringValue ?? "") { fail("event must be one of session_end, session_start, state_write") }
            if let h = o["payload_hash"], !isHex(h.stringValue, 64) { fail("payload_hash must match ^[a-f0-9]{64}$") }
            if let tenant = o["tenant_id"]?.stringValue, let session = o["session_id"]?.stringValue, let sequence {
                let key = tenant + "/" + session
                let expected = nextSequence[key] ?? 1
                if sequence != expected { fail("session \(session) of \(tenant): sequence \(sequence), expected \(expected)") }
                nextSequence[key] = sequence + 1
            }
            if o["event"]?.stringValue == "state_write", let trace = o["trace_id"]?.stringValue {
                if let first = stateWrites[trace] { fail("trace_id \(trace) has a second state_write (first at line \(first))") } else { stateWrites[trace] = n }
            }
        }
        return errors
    }

    static func isHex(_ s: String?, _ count: Int) -> Bool {
        guard let s, s.utf8.count == count else { return false }
        return s.utf8.allSatisfy { ($0 >= 48 && $0 <= 57) || ($0 >= 97 && $0 <= 102) }
    }
}
