import Foundation
import GreenticTestKit

/// Why a scenario failed or could not be run. A failing step is `stepFailed`, which names the
/// step and carries the typed cause and the timeline's path.
public indirect enum ScenarioError: Error, CustomStringConvertible, Equatable {
    /// A `${name}` that is neither a capture, a context value nor `env.NAME`; `context` says
    /// what the nearest known value holds (for `${reply.status}`, the reply's keys).
    case unknownVariable(String, context: String? = nil)
    /// The scenario itself is wrong (an unclosed template, an unreadable file).
    case invalid(String)
    /// The step needs something the context lacks (NATS, a server URL, a TestEnv).
    case missingContext(String)
    /// Too few (or too many) matching messages; `evidence` is what arrived instead.
    case expectationNotMet(subject: String, wanted: String, matchers: String, got: Int, within: Duration?, evidence: String)
    /// A message inside an `ExpectNone` window.
    case unexpectedMessage(subject: String, matchers: String, count: Int, first: String)
    /// `InOrder`: the expectation at `later` (1-based) was first met before the one at `earlier`.
    case outOfOrder(earlier: Int, later: Int, first: String, second: String)
    case notQuiet(subject: String, quietFor: Duration, within: Duration)
    case assertionFailed(value: String, actual: String, expected: String)
    /// An HTTP step's call failed or answered another status; the body is in `detail`.
    case httpFailed(method: String, url: String, detail: String)
    /// A `RequestReply` step got no usable reply.
    case requestFailed(subject: String, reason: String)
    case eventuallyTimedOut(within: Duration, last: ScenarioError)
    case serviceFailed(name: String, reason: String)
    case stepFailed(step: Int, kind: String, cause: ScenarioError, timeline: String?)

    /// The message of the cause alone (without the step and timeline lines).
    public var message: String {
        switch self {
        case .unknownVariable(let name, let context):
            "unknown variable ${\(name)}" + (context.map { ": \($0)" } ?? "")
        case .invalid(let message), .missingContext(let message):
            message
        case .expectationNotMet(let subject, let wanted, let matchers, let got, let within, let evidence):
            "expected \(wanted) message(s) on \(subject)\(matchers)\(within.map { " within \($0)" } ?? " over the scenario"), got \(got)\(evidence)"
        case .unexpectedMessage(let subject, let matchers, let count, let first):
            "expected no message on \(subject)\(matchers), but got \(count): \(first)"
        case .outOfOrder(let earlier, let later, let first, let second):
            "out of order: expected #\(earlier) before #\(later), but #\(later) arrived first\n  first:  \(first)\n  second: \(second)"
        case .notQuiet(let subject, let quietFor, let within):
            "\(subject) did not go quiet for \(quietFor) within \(within)"
        case .assertionFailed(let value, let actual, let expected):
            "assert: \(value) is \(actual), expected it to \(expected)"
        case .httpFailed(let method, let url, let detail):
            "\(method) \(url) \(detail)"
        case .requestFailed(let subject, let reason):
            "request on \(subject) failed: \(reason)"
        case .eventuallyTimedOut(let within, let last):
            "not true within \(within): \(last.message)"
        case .serviceFailed(let name, let reason):
            "service \(name) could not start: \(reason)"
        case .stepFailed(_, _, let cause, _):
            cause.message
        }
    }

    public var description: String {
        if case .stepFailed(let step, let kind, let cause, let timeline) = self {
            return "step \(step + 1) (\(kind)) failed: \(cause.message)" + (timeline.map { "\ntimeline: \($0)" } ?? "")
        }
        return message
    }
}
