import Foundation
import GreenticTestKit

/// An HTTP call: method, URL (or a path on the scenario's server), JSON body, expected status.
public struct HTTPStepSpec: Sendable, Equatable {
    public var method: String
    public var url: String
    public var json: JSONValue?
    public var status: Int?
    public var capture: String?

    public init(method: String = "GET", url: String, json: JSONValue? = nil, status: Int? = 200, capture: String? = nil) {
        self.method = method.uppercased()
        self.url = url
        self.json = json
        self.status = status
        self.capture = capture
    }
}
