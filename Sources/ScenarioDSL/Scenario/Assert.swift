import Foundation
import GreenticTestKit

/// Checks a value (usually a `${capture}` template).
public struct Assert: ScenarioStepConvertible {
    public let step: ScenarioStep
    public init(_ value: String, equals expected: JSONValue) { step = .assert(value: value, check: .equals(expected)) }
    public init(_ value: String, contains text: String) { step = .assert(value: value, check: .contains(text)) }
    public init(_ value: String, matches regex: String) { step = .assert(value: value, check: .matches(regex)) }
}
