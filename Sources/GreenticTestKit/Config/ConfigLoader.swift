import Foundation
import TOMLKit
import Yams

/// Reads configuration layers: TOML, JSON or YAML files, and `PREFIX_` environment variables
/// with `__` separating nesting levels (`GREENTIC_SERVER__LISTEN_ADDR` → `server.listen_addr`).
package enum ConfigLoader {
    /// Loads a file by its extension (`.toml`, `.json`, `.yaml`/`.yml`).
    public static func load(file url: URL) throws -> JSONValue {
        guard let data = FileManager.default.contents(atPath: url.path) else {
            throw ConfigError.unreadable(path: url.path)
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw ConfigError.invalid(path: url.path, reason: "not valid UTF-8")
        }
        switch url.pathExtension.lowercased() {
        case "toml": return try parseTOML(text, path: url.path)
        case "json":
            do { return try JSONValue.parse(data) } catch {
                throw ConfigError.invalid(path: url.path, reason: "invalid JSON: \(error)")
            }
        case "yaml", "yml": return try parseYAML(text, path: url.path)
        default:
            throw ConfigError.invalid(path: url.path, reason: "unknown config format '.\(url.pathExtension)' (use .toml, .json or .yaml)")
        }
    }

    public static func parseTOML(_ text: String, path: String = "<string>") throws -> JSONValue {
        let table: TOMLTable
        do {
            table = try TOMLTable(string: text)
        } catch let error as TOMLParseError {
            throw ConfigError.invalid(path: path, reason: "TOML error at line \(error.source.begin.line), column \(error.source.begin.column): \(error.description)")
        } catch {
            throw ConfigError.invalid(path: path, reason: "TOML error: \(error)")
        }
        do {
            return try JSONValue.parse(table.convert(to: .json))
        } catch {
            throw ConfigError.invalid(path: path, reason: "TOML could not be converted: \(error)")
        }
    }

    public static func parseYAML(_ text: String, path: String = "<string>") throws -> JSONValue {
        do {
            guard let node = try Yams.compose(yaml: text) else { return .object([:]) }
            return try YAMLConversion.json(from: node)
        } catch let error as ConfigError {
            throw error
        } catch {
            throw ConfigError.invalid(path: path, reason: "YAML error: \(error)")
        }
    }

    /// Variables starting with `prefix`: prefix removed, lower-cased, `__` nesting, values parsed
    /// leniently (booleans, integers, floats, quoted strings; anything else is a string).
    public static func environmentLayer(_ env: [String: String], prefix: String = "GREENTIC_") -> JSONValue? {
        var root: JSONValue = .object([:])
        var found = false
        for name in env.keys.sorted() where name.hasPrefix(prefix) && name.count > prefix.count {
            let path = name.dropFirst(prefix.count).lowercased().components(separatedBy: "__").filter { !$0.isEmpty }
            guard !path.isEmpty else { continue }
            root = ConfigLayers.merge(root, nest(path, lenientScalar(env[name]!)))
            found = true
        }
        return found ? root : nil
    }

    static func nest(_ path: [String], _ leaf: JSONValue) -> JSONValue {
        path.reversed().reduce(leaf) { inner, key in .object([key: inner]) }
    }

    public static func lenientScalar(_ raw: String) -> JSONValue {
        let t = raw.trimmingCharacters(in: .whitespaces)
        if t == "true" { return .bool(true) }
        if t == "false" { return .bool(false) }
        if let i = Int64(t) { return .number(Double(i)) }
        if t.contains("."), let d = Double(t), !t.hasPrefix("."), !t.hasSuffix(".") { return .number(d) }
        if t.count >= 2, (t.hasPrefix("\"") && t.hasSuffix("\"")) || (t.hasPrefix("'") && t.hasSuffix("'")) {
            return .string(String(t.dropFirst().dropLast()))
        }
        return .string(raw)
    }
}
