import Foundation
import GreenticTestKit

/// A named list of steps, written with the `Scenario(name) { … }` builder or loaded from a
/// versioned YAML/JSON file (`ScenarioFile`).
public struct Scenario: Sendable, Equatable {
    public var name: String
    public var steps: [ScenarioStep]

    public init(name: String, steps: [ScenarioStep]) {
        self.name = name
        self.steps = steps
    }

    public init(_ name: String, @ScenarioBuilder _ build: () -> [ScenarioStep]) {
        self.init(name: name, steps: build())
    }
}

/// Something that is a scenario step (the DSL's `Publish`, `Expect`, …).
public protocol ScenarioStepConvertible {
    var step: ScenarioStep { get }
}

/// Builds `[ScenarioStep]` from DSL statements, with `if`, `if/else` and `for`.
@resultBuilder
public enum ScenarioBuilder {
    public static func buildExpression(_ e: some ScenarioStepConvertible) -> [ScenarioStep] { [e.step] }
    public static func buildExpression(_ steps: [ScenarioStep]) -> [ScenarioStep] { steps }
    public static func buildBlock(_ parts: [ScenarioStep]...) -> [ScenarioStep] { parts.flatMap { $0 } }
    public static func buildOptional(_ part: [ScenarioStep]?) -> [ScenarioStep] { part ?? [] }
    public static func buildEither(first: [ScenarioStep]) -> [ScenarioStep] { first }
    public static func buildEither(second: [ScenarioStep]) -> [ScenarioStep] { second }
    public static func buildArray(_ parts: [[ScenarioStep]]) -> [ScenarioStep] { parts.flatMap { $0 } }
}

/// Publishes a message (JSON, text or empty) with optional headers.
public struct Publish: ScenarioStepConvertible {
    public let step: ScenarioStep
    public init(subject: String, json: JSONValue, headers: [String: String] = [:]) {
        step = .publish(subject: subject, payload: .json(json), headers: headers)
    }
    public init(subject: String, text: String, headers: [String: String] = [:]) {
        step = .publish(subject: subject, payload: .text(text), headers: headers)
    }
}

/// Sends a request and captures the JSON reply under `capture`.
public struct RequestReply: ScenarioStepConvertible {
    public let step: ScenarioStep
    public init(subject: String, json: JSONValue, within: Duration = .seconds(5), capture: String? = nil) {
        step = .request(subject: subject, payload: .json(json), within: within, capture: capture)
    }
    public init(subject: String, text: String, within: Duration = .seconds(5), capture: String? = nil) {
        step = .request(subject: subject, payload: .text(text), within: within, capture: capture)
    }
}

/// Expects `count` messages (or `min`…`max`) on a subject within a window.
public struct Expect: ScenarioStepConvertible {
    public let step: ScenarioStep
    public let expectation: MessageExpectation
    public init(subject: String, count: Int = 1, within: Duration = .seconds(5), capture: String? = nil,
                _ match: (MatchBuilder) -> Void = { _ in }) {
        let builder = MatchBuilder()
        match(builder)
        expectation = MessageExpectation(subject: subject, min: count, max: count, within: within, matchers: builder.matchers, capture: capture)
        step = .expect(expectation)
    }
    public init(subject: String, atLeast min: Int, atMost max: Int? = nil, within: Duration = .seconds(5), capture: String? = nil,
                _ match: (MatchBuilder) -> Void = { _ in }) {
        let builder = MatchBuilder()
        match(builder)
        expectation = MessageExpectation(subject: subject, min: min, max: max, within: within, matchers: builder.matchers, capture: capture)
        step = .expect(expectation)
    }
}

/// Expects no (matching) message on a subject during a window.
public struct ExpectNone: ScenarioStepConvertible {
    public let step: ScenarioStep
    public init(subject: String, within: Duration = .milliseconds(300), _ match: (MatchBuilder) -> Void = { _ in }) {
        let builder = MatchBuilder()
        match(builder)
        step = .expectNone(subject: subject, within: within, matchers: builder.matchers)
    }
}

/// Expectations whose first matching messages must arrive in this order.
public struct InOrder: ScenarioStepConvertible {
    public let step: ScenarioStep
    public init(@InOrderBuilder _ build: () -> [Expect]) {
        step = .inOrder(build().map(\.expectation))
    }
}

/// Collects `Expect`s for `InOrder`.
@resultBuilder
public enum InOrderBuilder {
    public static func buildBlock(_ parts: Expect...) -> [Expect] { parts }
}

/// Retries its steps until they all pass or the window closes.
public struct Eventually: ScenarioStepConvertible {
    public let step: ScenarioStep
    public init(within: Duration, @ScenarioBuilder _ build: () -> [ScenarioStep]) {
        step = .eventually(within: within, steps: build())
    }
}

/// An HTTP call with an expected status; the JSON answer can be captured.
public struct HTTP: ScenarioStepConvertible {
    public let step: ScenarioStep
    public init(_ method: String = "GET", _ url: String, json: JSONValue? = nil, status: Int? = 200, capture: String? = nil) {
        step = .http(HTTPStepSpec(method: method, url: url, json: json, status: status, capture: capture))
    }
}

/// Starts a service in the scenario's TestEnv.
public struct StartService: ScenarioStepConvertible {
    public let step: ScenarioStep
    public init(name: String, executable: String, arguments: [String] = [], environment: [String: String] = [:], readyLog: String? = nil) {
        step = .startService(StartServiceSpec(name: name, executable: executable, arguments: arguments, environment: environment, readyLog: readyLog))
    }
}

/// Copies a pack folder into the running fixture server's packs root and reloads it.
public struct InstallPack: ScenarioStepConvertible {
    public let step: ScenarioStep
    public init(source: String, packsRoot: String? = nil) {
        step = .installPack(source: source, packsRoot: packsRoot)
    }
}

/// Stores a value (a template) under a name.
public struct CaptureValue: ScenarioStepConvertible {
    public let step: ScenarioStep
    public init(_ name: String, _ value: String) {
        step = .capture(name: name, value: value)
    }
}

/// Waits until a subject has been quiet for a while.
public struct WaitQuiet: ScenarioStepConvertible {
    public let step: ScenarioStep
    public init(subject: String, for quiet: Duration = .milliseconds(200), within: Duration = .seconds(5)) {
        step = .waitQuiet(subject: subject, quietFor: quiet, within: within)
    }
}

/// Checks a value (usually a `${capture}` template).
public struct Assert: ScenarioStepConvertible {
    public let step: ScenarioStep
    public init(_ value: String, equals expected: JSONValue) { step = .assert(value: value, check: .equals(expected)) }
    public init(_ value: String, contains text: String) { step = .assert(value: value, check: .contains(text)) }
    public init(_ value: String, matches regex: String) { step = .assert(value: value, check: .matches(regex)) }
}
