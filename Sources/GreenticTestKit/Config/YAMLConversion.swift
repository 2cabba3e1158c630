import Yams

/// Converts a composed YAML node into a `JSONValue`, resolving plain scalars as YAML 1.2 core
/// types (null, booleans, integers, floats) and keeping quoted scalars as strings.
package enum YAMLConversion {
    public static func json(from node: Node) throws -> JSONValue {
        switch node {
        case .scalar(let scalar):
            return scalarValue(scalar)
        case .sequence(let seq):
            return .array(try seq.map(json(from:)))
        case .mapping(let map):
            var out: [String: JSONValue] = [:]
            for (k, v) in map {
                guard let key = k.string else {
                    throw ConfigError.invalid(path: "<yaml>", reason: "mapping key at line \(k.mark?.line ?? 0) is not a string")
                }
                out[key] = try json(from: v)
            }
            return .object(out)
        case .alias:
            throw ConfigError.invalid(path: "<yaml>", reason: "YAML aliases are not supported")
        }
    }

    static func scalarValue(_ scalar: Node.Scalar) -> JSONValue {
        let s = scalar.string
        guard scalar.style == .plain else { return .string(s) }
        switch s {
        case "", "~", "null", "Null", "NULL": return .null
        case "true", "True", "TRUE": return .bool(true)
        case "false", "False", "FALSE": return .bool(false)
        default: break
        }
        if let i = Int64(s) { return .number(Double(i)) }
        if let d = Double(s), s.contains(where: { $0 == "." || $0 == "e" || $0 == "E" }) { return .number(d) }
        return .string(s)
    }
}
