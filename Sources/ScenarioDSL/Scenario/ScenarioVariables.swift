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
        guard let value = root.value(atPath: parts[1]) else { throw ScenarioError.unknownVariable(reference) }
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
}

/// Why a scenario failed or could not be run.
public enum ScenarioError: Error, CustomStringConvertible, Equatable {
    case unknownVariable(String)
    case invalid(String)
    case missingContext(String)
    case stepFailed(step: Int, kind: String, message: String, timeline: String?)

    public var description: String {
        switch self {
        case .unknownVariable(let name): "unknown variable ${\(name)}"
        case .invalid(let message): message
        case .missingContext(let what): what
        case .stepFailed(let step, let kind, let message, let timeline):
            "step \(step + 1) (\(kind)) failed: \(message)" + (timeline.map { "\ntimeline: \($0)" } ?? "")
        }
    }
}
