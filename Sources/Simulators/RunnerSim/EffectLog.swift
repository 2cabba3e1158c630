import Foundation
import GreenticTestKit
import Synchronization

/// The runner simulator's effect log: JSON lines per `effect_log.schema.json`. Each session's
/// sequence starts at 1; every processed message is one trace (32 lower-hex id) with exactly
/// one `state_write`.
package final class EffectLog: Sendable {
    public let file: JSONLinesFile
    public var url: URL? { file.url }
    private let state = Mutex<(sequences: [String: Int], lines: [String])>(([:], []))

    public init(url: URL?) {
        file = JSONLinesFile(url: url)
    }

    /// Records `session_start` (first time a session is seen), then the trace's `state_write`.
    public func record(tenant: String, session: String, trace: String, payload: JSONValue) {
        let hash = PackArchive.sha256Hex(Data(JSONWriter.compact(payload).utf8))
        let text = state.withLock { s -> String in
            let key = tenant + "/" + session
            var out: [String] = []
            if s.sequences[key] == nil {
                s.sequences[key] = 1
                out.append(Self.line(trace: trace, tenant: tenant, session: session, sequence: 1, event: "session_start", hash: nil))
            }
            let next = s.sequences[key]! + 1
            s.sequences[key] = next
            out.append(Self.line(trace: trace, tenant: tenant, session: session, sequence: next, event: "state_write", hash: hash))
            s.lines += out
            return out.map { $0 + "\n" }.joined()
        }
        file.append(text)
    }

    public var lines: [String] { state.withLock { $0.lines } }

    static func line(trace: String, tenant: String, session: String, sequence: Int, event: String, hash: String?) -> String {
        var entry: [String: JSONValue] = ["trace_id": .string(trace), "tenant_id": .string(tenant), "session_id": .string(session),
                                          "sequence": .number(Double(sequence)), "event": .string(event)]
        if let hash { entry["payload_hash"] = .string(hash) }
        return JSONWriter.compact(.object(entry))
    }

    /// A trace id: the envelope's when it is already 32 lower-hex characters, else a new one.
    public static func traceID(from candidate: String?) -> String {
        if let c = candidate, c.count == 32, c.allSatisfy({ ("0"..."9").contains($0) || ("a"..."f").contains($0) }) { return c }
        return (0..<32).map { _ in String("0123456789abcdef".randomElement()!) }.joined()
    }
}
