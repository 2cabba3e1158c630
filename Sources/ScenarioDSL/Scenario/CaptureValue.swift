import Foundation
import GreenticTestKit

/// Stores a value (a template) under a name.
public struct CaptureValue: ScenarioStepConvertible {
    public let step: ScenarioStep
    public init(_ name: String, _ value: String) {
        step = .capture(name: name, value: value)
    }
}
