import Foundation
import GreenticTestKit

/// Sends a request and captures the JSON reply under `capture`.
public struct RequestReply: ScenarioStepConvertible {
    public let step: ScenarioStep
    public init(subject: String, json: JSONValue, within: Duration = .seconds(5), capture: String? = nil) {
        step = .request(subject: subject, payload: .json(json), within: within, capture: capture)
    }
    public init(subject: String, text: String, within: Duration = .seconds(5), capture: String? = nil) {
        step = .request(subject: subject, payload: .text(text), within: within, capture: capture)
    }
}
