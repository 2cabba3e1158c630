import Foundation
import GreenticTestKit

/// `${name}` substitution: captures, context values (`prefix`, `tenant`, `server`, `nats`) and
/// `${env.NAME}`. `${name.path}` follows a dotted path into a captured JSON value. A template
/// that is exactly one `${…}` keeps the value's JSON type.
public struct ScenarioVariables: Sendable {
    public var values: [String: JSONValue]
    public var environment: [String: String]

    public init(_ values: [String: JSONValue] = [:], environment: [String: String] = ProcessInfo.processInfo.environment) {
        self.values = values
        self.environment = environment
    }

    public func lookup(_ reference: String) throws -> JSONValue {
        if reference.hasPrefix("env.") {
            guard let v = environment[String(reference.dropFirst(4))] else { throw ScenarioError.unknownVariable(reference) }
            return .string(v)
        }
        let parts = reference.split(separator: ".", maxSplits: 1).map(String.init)
        guard let root = values[parts[0]] else { throw ScenarioError.unknownVariable(reference) }
        guard parts.count == 2 else { return root }
        guard let value = root.value(atPath: parts[1]) else {
            throw ScenarioError.unknownVariable(reference, context: Self.describeMissing(path: parts[1], in: root, name: parts[0]))
        }
        return value
    }

    /// Expands a string; a lone `${x}` returns x's JSON value.
    public func expandValue(_ template: String) throws -> JSONValue {
        if template.hasPrefix("${"), template.hasSuffix("}"), template.dropFirst(2).firstIndex(of: "$") == nil,
           template.filter({ $0 == "}" }).count == 1 {
            return try lookup(String(template.dropFirst(2).dropLast()))
        }
        return .string(try expand(template))
    }

    public func expand(_ template: String) throws -> String {
        guard template.contains("${") else { return template }
        var out = ""
        var rest = Substring(template)
        while let start = rest.range(of: "${") {
            out += rest[..<start.lowerBound]
            guard let end = rest[start.upperBound...].firstIndex(of: "}") else { throw ScenarioError.invalid("unclosed ${ in '\(template)'") }
            let value = try lookup(String(rest[start.upperBound..<end]))
            out += value.stringValue ?? JSONWriter.compact(value)
            rest = rest[rest.index(after: end)...]
        }
        return out + rest
    }

    public func expand(_ json: JSONValue) throws -> JSONValue {
        switch json {
        case .string(let s): return try expandValue(s)
        case .array(let items): return .array(try items.map(expand))
        case .object(let members):
            var out: [String: JSONValue] = [:]
            for (k, v) in members { out[try expand(k)] = try expand(v) }
            return .object(out)
        default: return json
        }
    }

    /// What `${name.path}` would have found: the deepest value on the path that exists, and
    /// its keys (so a wrong-shaped reply shows its shape).
    static func describeMissing(path: String, in root: JSONValue, name: String) -> String {
        var node = root
        var reached = name
        for key in path.split(separator: ".").map(String.init) {
            guard let next = node.value(atPath: key) else { break }
            node = next
            reached += ".\(key)"
        }
        let missing = String(path.split(separator: ".").map(String.init).dropFirst(reached.split(separator: ".").count - 1).first ?? path)
        var text = JSONWriter.compact(node)
        if text.count > 400 { text = String(text.prefix(397)) + "..." }
        if let keys = node.objectValue?.keys.sorted() {
            return "\(reached) has no key \(missing) (its keys: \(keys.joined(separator: ", "))); \(reached) = \(text)"
        }
        return "\(reached) is not an object with \(missing); \(reached) = \(text)"
    }
}
