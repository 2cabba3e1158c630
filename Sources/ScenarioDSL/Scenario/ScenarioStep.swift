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

/// A message body: JSON, text, or nothing.
public enum StepPayload: Sendable, Equatable {
    case none
    case json(JSONValue)
    case text(String)
}

/// Messages wanted on a subject: how many (`min`…`max`), how soon, matching what.
public struct MessageExpectation: Sendable, Equatable {
    public var subject: String
    public var min: Int
    public var max: Int?
    public var within: Duration
    public var matchers: [MessageMatcher]
    /// Stores the first matching message's JSON (or text) under this name.
    public var capture: String?

    public init(subject: String, min: Int = 1, max: Int? = nil, within: Duration = .seconds(5),
                matchers: [MessageMatcher] = [], capture: String? = nil) {
        self.subject = subject
        self.min = min
        self.max = max
        self.within = within
        self.matchers = matchers
        self.capture = capture
    }

    var countDescription: String {
        switch (min, max) {
        case (let lo, let hi?) where lo == hi: "exactly \(lo)"
        case (let lo, let hi?): "\(lo) to \(hi)"
        case (let lo, nil): "at least \(lo)"
        }
    }
}

/// An HTTP call: method, URL (or a path on the scenario's server), JSON body, expected status.
public struct HTTPStepSpec: Sendable, Equatable {
    public var method: String
    public var url: String
    public var json: JSONValue?
    public var status: Int?
    public var capture: String?

    public init(method: String = "GET", url: String, json: JSONValue? = nil, status: Int? = 200, capture: String? = nil) {
        self.method = method.uppercased()
        self.url = url
        self.json = json
        self.status = status
        self.capture = capture
    }
}

/// A service a scenario starts inside its TestEnv.
public struct StartServiceSpec: Sendable, Equatable {
    public var name: String
    public var executable: String
    public var arguments: [String]
    public var environment: [String: String]
    /// A regular expression its output must match to be ready.
    public var readyLog: String?

    public init(name: String, executable: String, arguments: [String] = [], environment: [String: String] = [:], readyLog: String? = nil) {
        self.name = name
        self.executable = executable
        self.arguments = arguments
        self.environment = environment
        self.readyLog = readyLog
    }
}
