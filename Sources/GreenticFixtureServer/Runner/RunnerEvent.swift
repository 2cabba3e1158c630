import Foundation
import GreenticSessions
import GreenticTestKit
import Synchronization

/// A flow activity the server recorded: what was sent to the runner and what it answered.
package struct RunnerEvent: Sendable, Equatable {
    public var timestampMs: UInt64
    public var flow: String
    public var tenant: String?
    public var team: String?
    public var user: String?
    public var payload: JSONValue
    public var result: JSONValue

    public init(timestampMs: UInt64 = SessionRecord.nowMs(), flow: String, tenant: String?, team: String?, user: String?,
                payload: JSONValue, result: JSONValue) {
        self.timestampMs = timestampMs
        self.flow = flow
        self.tenant = tenant
        self.team = team
        self.user = user
        self.payload = payload
        self.result = result
    }

    /// Field order of the original's `RunnerEvent`.
    public var orderedJSON: OrderedJSON {
        .object([
            ("timestamp_ms", .number(Double(timestampMs))), ("flow", .string(flow)), ("tenant", .string(tenant)),
            ("team", .string(team)), ("user", .string(user)), ("payload", .value(payload)), ("result", .value(result)),
        ])
    }

    public init(json: JSONValue) throws {
        guard let flow = json["flow"]?.stringValue else { throw RunnerBridgeError.invalidAnswer("event without flow") }
        self.init(timestampMs: UInt64(json["timestamp_ms"]?.doubleValue ?? 0), flow: flow,
                  tenant: json["tenant"]?.stringValue, team: json["team"]?.stringValue, user: json["user"]?.stringValue,
                  payload: json["payload"] ?? .null, result: json["result"] ?? .null)
    }
}
