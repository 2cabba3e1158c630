import Foundation
import Yams

/// A `.ygtc` flow: `type`, `id`, optional `description`, and `nodes`, each with exactly one
/// operator (`messaging.send`, `worker.request`, …) whose settings include `routing`
/// (label → node id).
package struct FlowDocument: Sendable, Equatable {
    public var type: String
    public var id: String
    public var description: String?
    /// Nodes in file order.
    public var nodes: [FlowNode]

    public func node(_ id: String) -> FlowNode? { nodes.first { $0.id == id } }

    /// Parses YAML text; errors name the file and what is wrong.
    public static func parse(_ text: String, path: String = "<flow>") throws -> FlowDocument {
        let root: Node?
        do { root = try Yams.compose(yaml: text) } catch { throw FlowError.invalid(path: path, reason: "YAML error: \(error)") }
        guard let map = root?.mapping else { throw FlowError.invalid(path: path, reason: "a flow must be a YAML mapping") }
        func string(_ key: String) -> String? { map[Node(key)]?.string }
        guard let type = string("type"), !type.isEmpty else { throw FlowError.invalid(path: path, reason: "missing 'type'") }
        guard let id = string("id"), !id.isEmpty else { throw FlowError.invalid(path: path, reason: "missing 'id'") }
        guard let nodesMap = map[Node("nodes")]?.mapping, !nodesMap.isEmpty else {
            throw FlowError.invalid(path: path, reason: "'nodes' must be a non-empty mapping")
        }
        var nodes: [FlowNode] = []
        for (key, value) in nodesMap {
            guard let nodeID = key.string else { throw FlowError.invalid(path: path, reason: "a node name is not a string") }
            guard let operators = value.mapping, operators.count == 1, let (opKey, opValue) = operators.first,
                  let op = opKey.string else {
                throw FlowError.invalid(path: path, reason: "node '\(nodeID)' must have exactly one operator")
            }
            let settings = try YAMLConversion.json(from: opValue.mapping.map { Node.mapping($0) } ?? Node.mapping([:]))
            var routing: [(String, String)] = []
            if let routes = opValue.mapping?[Node("routing")] {
                guard let routeMap = routes.mapping else {
                    throw FlowError.invalid(path: path, reason: "routing of node '\(nodeID)' must be a mapping label: node")
                }
                for (label, target) in routeMap {
                    guard let l = label.string, let t = target.string else {
                        throw FlowError.invalid(path: path, reason: "routing of node '\(nodeID)' must map labels to node names")
                    }
                    routing.append((l, t))
                }
            }
            nodes.append(FlowNode(id: nodeID, operatorName: op, settings: settings, routing: routing))
        }
        return FlowDocument(type: type, id: id, description: string("description"), nodes: nodes)
    }

    public static func load(path: String) throws -> FlowDocument {
        guard let data = FileManager.default.contents(atPath: path) else { throw FlowError.unreadable(path: path) }
        return try parse(String(decoding: data, as: UTF8.self), path: path)
    }

    /// Routing targets that name no node, as "node --label--> target".
    public var danglingRoutes: [String] {
        let ids = Set(nodes.map(\.id))
        return nodes.flatMap { node in
            node.routing.filter { !ids.contains($0.target) }.map { "\(node.id) --\($0.label)--> \($0.target)" }
        }
    }
}
