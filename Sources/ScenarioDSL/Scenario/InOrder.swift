import Foundation
import GreenticTestKit

/// Expectations whose first matching messages must arrive in this order.
public struct InOrder: ScenarioStepConvertible {
    public let step: ScenarioStep
    public init(@InOrderBuilder _ build: () -> [Expect]) {
        step = .inOrder(build().map(\.expectation))
    }
}
