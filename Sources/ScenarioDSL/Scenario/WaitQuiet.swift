import Foundation
import GreenticTestKit

/// Waits until a subject has been quiet for a while.
public struct WaitQuiet: ScenarioStepConvertible {
    public let step: ScenarioStep
    public init(subject: String, for quiet: Duration = .milliseconds(200), within: Duration = .seconds(5)) {
        step = .waitQuiet(subject: subject, quietFor: quiet, within: within)
    }
}
