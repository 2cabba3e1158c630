import Foundation
import GreenticTestKit

/// One step of a scenario. Actions run in order; expectations subscribe before the first action
/// and are checked at their place, except those declared before any action, which are checked
/// after the last one (the "expect, then act" shape).
public indirect enum ScenarioStep: Sendable, Equatable {
    case publish(subject: String, payload: StepPayload, headers: [String: String])
    case request(subject: String, payload: StepPayload, within: Duration, capture: String?)
    case http(HTTPStepSpec)
    case startService(StartServiceSpec)
    case installPack(source: String, packsRoot: String?)
    case capture(name: String, value: String)
    case waitQuiet(subject: String, quietFor: Duration, within: Duration)
    case expect(MessageExpectation)
    case expectNone(subject: String, within: Duration, matchers: [MessageMatcher])
    case inOrder([MessageExpectation])
    case eventually(within: Duration, steps: [ScenarioStep])
    case assert(value: String, check: ValueCheck)

    /// Whether the step waits for messages rather than doing something.
    public var isExpectation: Bool {
        switch self {
        case .expect, .expectNone, .inOrder: true
        default: false
        }
    }

    /// Short name for logs and the timeline.
    public var kind: String {
        switch self {
        case .publish: "publish"
        case .request: "request"
        case .http: "http"
        case .startService: "start_service"
        case .installPack: "install_pack"
        case .capture: "capture"
        case .waitQuiet: "wait_quiet"
        case .expect: "expect"
        case .expectNone: "expect_none"
        case .inOrder: "in_order"
        case .eventually: "eventually"
        case .assert: "assert"
        }
    }

    /// Subjects this step (or its children) listens on.
    var listenedSubjects: [String] {
        switch self {
        case .expect(let e): [e.subject]
        case .expectNone(let subject, _, _): [subject]
        case .inOrder(let list): list.map(\.subject)
        case .waitQuiet(let subject, _, _): [subject]
        case .eventually(_, let steps): steps.flatMap(\.listenedSubjects)
        default: []
        }
    }
}
