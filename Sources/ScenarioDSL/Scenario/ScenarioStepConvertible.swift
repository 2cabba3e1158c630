import Foundation
import GreenticTestKit

/// Something that is a scenario step (the DSL's `Publish`, `Expect`, …).
public protocol ScenarioStepConvertible {
    var step: ScenarioStep { get }
}
