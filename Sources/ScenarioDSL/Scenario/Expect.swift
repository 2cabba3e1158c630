import Foundation
import GreenticTestKit

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
