import Foundation
import Yams

/// One flow node.
package struct FlowNode: Sendable, Equatable {
    public var id: String
    public var operatorName: String
    /// The operator's settings (`component`, `provider`, `channel`, `topic`, `config`, …).
    public var settings: JSONValue
    public var routing: [(label: String, target: String)]

    public init(id: String, operatorName: String, settings: JSONValue, routing: [(String, String)]) {
        self.id = id
        self.operatorName = operatorName
        self.settings = settings
        self.routing = routing.map { (label: $0.0, target: $0.1) }
    }

    public static func == (a: FlowNode, b: FlowNode) -> Bool {
        a.id == b.id && a.operatorName == b.operatorName && a.settings == b.settings
            && a.routing.map(\.label) == b.routing.map(\.label) && a.routing.map(\.target) == b.routing.map(\.target)
    }

    public var config: JSONValue { settings["config"] ?? .null }
    public func setting(_ name: String) -> String? { settings[name]?.stringValue }
    /// The next node for a routing label (`default` when the label has no route).
    public func next(_ label: String = "default") -> String? {
        routing.first { $0.label == label }?.target ?? routing.first { $0.label == "default" }?.target
    }
}
