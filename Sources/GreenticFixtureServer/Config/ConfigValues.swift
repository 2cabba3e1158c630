import Foundation
import GreenticTestKit

/// Typed reads from a merged config value, each failing with the key and what was expected.
/// An empty value of a key that must have one falls back to `ServerConfig.defaultLayer`, the
/// one place defaults are written.
struct ConfigValues {
    let merged: JSONValue
    let workingDirectory: String

    func string(_ path: String) throws -> String {
        switch merged.value(atPath: path) {
        case .string(let s)?: return s
        case .number(let n)?: return JSONWriter.formatNumber(n)
        case nil, .null?: return ""
        default: throw ConfigError.invalidValue(key: path, reason: "expected a string")
        }
    }

    /// The string, or nil when it is empty (a key that may be unset).
    func optional(_ path: String) throws -> String? {
        let t = try string(path).trimmingCharacters(in: .whitespaces)
        return t.isEmpty ? nil : t
    }

    /// The string, or the default when it is empty.
    func nonEmpty(_ path: String) throws -> String {
        try optional(path) ?? ServerConfig.defaultLayer.value(atPath: path)?.stringValue ?? ""
    }

    func int(_ path: String, atLeast minimum: Int = 0) throws -> Int {
        let value: Int?
        switch merged.value(atPath: path) {
        case .number(let n)? where n >= 0 && n == n.rounded() && n < 1e15: value = Int(n)
        case .string(let s)?: value = Int(s).flatMap { $0 >= 0 ? $0 : nil }
        default: value = nil
        }
        guard let value else { throw ConfigError.invalidValue(key: path, reason: "expected a non-negative integer") }
        return max(minimum, value)
    }

    func bool(_ path: String) throws -> Bool {
        switch merged.value(atPath: path) {
        case .bool(let b)?: return b
        case .string(let s)?:
            switch s.lowercased() {
            case "true", "1", "yes", "on": return true
            case "false", "0", "no", "off": return false
            default: break
            }
        default: break
        }
        throw ConfigError.invalidValue(key: path, reason: "expected true or false")
    }

    /// Whole seconds, at least one.
    func seconds(_ path: String) throws -> Duration {
        let n = try int(path)
        guard n >= 1 else { throw ConfigError.invalidValue(key: path, reason: "expected at least 1 second") }
        return .seconds(n)
    }

    /// A list, or one string split at `separators` (how environment variables give lists).
    func strings(_ path: String, separators: Set<Character>) throws -> [String] {
        switch merged.value(atPath: path) {
        case .array(let items)?:
            return try items.map {
                guard let s = $0.stringValue else { throw ConfigError.invalidValue(key: path, reason: "expected a list of strings") }
                return s
            }
        case .string(let s)?:
            return s.split(whereSeparator: { separators.contains($0) }).map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        case nil, .null?: return []
        default: throw ConfigError.invalidValue(key: path, reason: "expected a list of strings")
        }
    }

    /// A path, made absolute against the working directory.
    func path(_ key: String) throws -> String {
        let p = try string(key)
        return p.hasPrefix("/") ? p : URL(fileURLWithPath: p, relativeTo: URL(fileURLWithPath: workingDirectory, isDirectory: true)).standardizedFileURL.path
    }
}
