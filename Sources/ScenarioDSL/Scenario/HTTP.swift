import Foundation
import GreenticTestKit

/// An HTTP call with an expected status; the JSON answer can be captured.
public struct HTTP: ScenarioStepConvertible {
    public let step: ScenarioStep
    public init(_ method: String = "GET", _ url: String, json: JSONValue? = nil, status: Int? = 200, capture: String? = nil) {
        step = .http(HTTPStepSpec(method: method, url: url, json: json, status: status, capture: capture))
    }
}
