import Foundation
import GreenticTestKit
import Yams

/// The runner's bindings file (`--bindings`, greentic-runner's format): the default tenant, the
/// providers by kind (`events`, `messaging`) and name, and the bridges and workers. Every
/// `provider:` and `component:` a flow names must be bound (components declared by a pack's
/// manifest are bound by the pack).
package struct RunnerBindings: Sendable, Equatable {
    public var tenant: String
    /// kind → provider names.
    public var providers: [String: Set<String>]
    public var bridges: Set<String>
    public var workers: Set<String>

    /// Reads the YAML file; a malformed file is an error naming it.
    public static func load(path: String) throws -> RunnerBindings {
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
            throw BindingsError.invalid(path: path, reason: "cannot be read")
        }
        let value: JSONValue
        do { value = try YAMLConversion.json(from: try Yams.compose(yaml: text) ?? .mapping([:])) } catch {
            throw BindingsError.invalid(path: path, reason: "not YAML: \(error)")
        }
        guard case .object(let root) = value else { throw BindingsError.invalid(path: path, reason: "expected a mapping at the top") }
        func names(_ node: JSONValue?, _ what: String) throws -> Set<String> {
            switch node {
            case nil, .null?: return []
            case .object(let o)?: return Set(o.keys)
            default: throw BindingsError.invalid(path: path, reason: "\(what) must be a mapping of names")
            }
        }
        var providers: [String: Set<String>] = [:]
        switch root["providers"] {
        case nil, .null?: break
        case .object(let kinds)?: for (kind, entries) in kinds { providers[kind] = try names(entries, "providers.\(kind)") }
        default: throw BindingsError.invalid(path: path, reason: "providers must be a mapping of kinds (events, messaging)")
        }
        return RunnerBindings(tenant: root["tenant"]?.stringValue ?? "dev", providers: providers,
                              bridges: try names(root["bridges"], "bridges"), workers: try names(root["workers"], "workers"))
    }

    /// What the flows name that is not bound: `flow <id> node <node>: provider 'x' is not bound`.
    public func unbound(in flows: [FlowDocument], packComponents: Set<String> = []) -> [String] {
        let allProviders = providers.values.reduce(into: Set<String>()) { $0.formUnion($1) }
        var problems: [String] = []
        for flow in flows {
            for node in flow.nodes {
                if let provider = node.setting("provider"), !allProviders.contains(provider) {
                    problems.append("flow \(flow.id) node \(node.id): provider '\(provider)' is not bound")
                }
                if let component = node.setting("component"), !bridges.contains(component), !workers.contains(component),
                   !packComponents.contains(component) {
                    problems.append("flow \(flow.id) node \(node.id): component '\(component)' is not bound (not a bridge, worker or pack component)")
                }
            }
        }
        return problems
    }
}
