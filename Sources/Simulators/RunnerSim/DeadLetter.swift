import Foundation
import GreenticTestKit

/// A message whose flow failed every attempt, as published on `dlq.{tenant}.{stage}`: tenant,
/// stage (`ingress` or `events`), platform, the message id, how many attempts were made, the last
/// error (`component_failed`) and the original envelope.
package struct DeadLetter: Equatable {
    package var tenant: String
    package var stage: String
    package var platform: String
    package var envelope: JSONValue
    package var attempts: Int
    package var lastError: String

    package init(tenant: String, stage: String, platform: String, envelope: JSONValue, attempts: Int, lastError: String) {
        self.tenant = tenant
        self.stage = stage
        self.platform = platform
        self.envelope = envelope
        self.attempts = attempts
        self.lastError = lastError
    }

    /// `dlq.{tenant}.{stage}`, the tenant made a single subject token.
    package var subject: String { "dlq.\(FlowEngine.Scope.token(tenant)).\(stage)" }

    /// The record, stamped `at` (milliseconds since 1970).
    package func record(at date: Date) -> JSONValue {
        [
            "tenant": .string(tenant), "stage": .string(stage), "platform": .string(platform),
            "msg_id": envelope["id"] ?? .null, "retries": .number(Double(attempts)),
            "ts": .number((date.timeIntervalSince1970 * 1000).rounded()),
            "error": ["code": "component_failed", "message": .string(lastError), "stage": .string(stage)],
            "envelope": envelope,
        ]
    }
}
