import Foundation
import GreenticTestKit

/// Expects no (matching) message on a subject during a window.
public struct ExpectNone: ScenarioStepConvertible {
    public let step: ScenarioStep
    public init(subject: String, within: Duration = .milliseconds(300), _ match: (MatchBuilder) -> Void = { _ in }) {
        let builder = MatchBuilder()
        match(builder)
        step = .expectNone(subject: subject, within: within, matchers: builder.matchers)
    }
}
