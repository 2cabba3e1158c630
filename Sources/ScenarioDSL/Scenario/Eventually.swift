import Foundation
import GreenticTestKit

/// Retries its steps until they all pass or the window closes.
public struct Eventually: ScenarioStepConvertible {
    public let step: ScenarioStep
    public init(within: Duration, @ScenarioBuilder _ build: () -> [ScenarioStep]) {
        step = .eventually(within: within, steps: build())
    }
}
