import Foundation
import GreenticTestKit
import Synchronization

/// Every attempt the runner simulator makes at a flow, one JSON line each:
/// `{trace_id, tenant_id, session_id, flow_id, attempt, outcome: ok|failed|dead_lettered,
/// error?, backoff_ms?}`. It sits beside the effect log, whose schema
/// (`effect_log.schema.json`: `additionalProperties: false`, events `state_write`,
/// `session_start`, `session_end`) has no place for attempts.
package final class AttemptLog: Sendable {
    /// One attempt.
    public struct Entry: Sendable, Equatable {
        public var trace: String
        public var tenant: String
        public var session: String
        public var flow: String
        public var attempt: Int
        public var outcome: String
        public var error: String?
        /// The delay before the next attempt, when there is one.
        public var backoffMs: Double?

        public var json: JSONValue {
            var o: [String: JSONValue] = ["trace_id": .string(trace), "tenant_id": .string(tenant), "session_id": .string(session),
                                          "flow_id": .string(flow), "attempt": .number(Double(attempt)), "outcome": .string(outcome)]
            if let error { o["error"] = .string(error) }
            if let backoffMs { o["backoff_ms"] = .number(backoffMs) }
            return .object(o)
        }
    }

    public let file: JSONLinesFile
    private let kept = Mutex<[Entry]>([])

    public init(url: URL?) {
        file = JSONLinesFile(url: url)
    }

    public func record(_ entry: Entry) {
        kept.withLock { $0.append(entry) }
        file.append(JSONWriter.compact(entry.json) + "\n")
    }

    /// Every entry recorded by this process, oldest first.
    public var entries: [Entry] { kept.withLock { $0 } }
}
