import Foundation
import GreenticTestKit

/// The outcome of one scenario run.
public struct ScenarioResult: Sendable {
    public var name: String
    public var duration: Duration
    public var failure: ScenarioError?
    public var variables: ScenarioVariables
    public var passed: Bool { failure == nil }
}
