import Foundation
import GreenticTestKit

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
