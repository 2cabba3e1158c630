import Foundation
import GreenticTestKit

/// A condition on a NATS message.
public enum MessageMatcher: Sendable, Equatable, CustomStringConvertible {
    /// The JSON value at a dotted path.
    case path(String, ValueCheck)
    /// A header value.
    case header(String, ValueCheck)
    /// Every key of the pattern matches (nested objects recurse; keys may be dotted paths).
    case partial(JSONValue)
    /// The payload as text.
    case text(ValueCheck)

    public func matches(_ message: NATSMessage) -> Bool {
        switch self {
        case .path(let path, let check):
            guard let json = try? JSONValue.parse(message.payload) else { return false }
            return check.holds(path.isEmpty ? json : json.value(atPath: path))
        case .header(let name, let check):
            return check.holds(message.headers?[name].map { .string($0) })
        case .partial(let pattern):
            guard let json = try? JSONValue.parse(message.payload) else { return false }
            return Self.partialMatch(pattern, json)
        case .text(let check):
            return check.holds(.string(message.text))
        }
    }

    /// Why the message does not match, naming the first field that differs; nil when it matches.
    public func mismatch(_ message: NATSMessage) -> String? {
        if matches(message) { return nil }
        func shown(_ v: JSONValue?) -> String {
            guard let v else { return "missing" }
            let text = JSONWriter.compact(v)
            return text.count > 80 ? String(text.prefix(77)) + "..." : text
        }
        switch self {
        case .path(let path, let check):
            guard let json = try? JSONValue.parse(message.payload) else { return "payload is not JSON" }
            let value = path.isEmpty ? json : json.value(atPath: path)
            return "\(path.isEmpty ? "payload" : path) is \(shown(value)), expected it to \(check.description)"
        case .header(let name, let check):
            return "header \(name) is \(message.headers?[name].map { "\"\($0)\"" } ?? "missing"), expected it to \(check.description)"
        case .partial(let pattern):
            guard let json = try? JSONValue.parse(message.payload) else { return "payload is not JSON" }
            return Self.firstPartialDifference(pattern, json, path: "") ?? "payload differs from \(JSONWriter.compact(pattern))"
        case .text(let check):
            return "text is \(shown(.string(message.text))), expected it to \(check.description)"
        }
    }

    static func firstPartialDifference(_ pattern: JSONValue, _ actual: JSONValue, path: String) -> String? {
        guard case .object(let keys) = pattern else {
            return ValueCheck.looselyEqual(actual, pattern) ? nil
                : "\(path.isEmpty ? "payload" : path) is \(JSONWriter.compact(actual)), expected \(JSONWriter.compact(pattern))"
        }
        for key in keys.keys.sorted() {
            let expected = keys[key]!
            let here = path.isEmpty ? key : "\(path).\(key)"
            guard let value = actual[key] ?? actual.value(atPath: key) else { return "\(here) is missing (expected \(JSONWriter.compact(expected)))" }
            if case .object = expected, case .object = value {
                if let difference = firstPartialDifference(expected, value, path: here) { return difference }
            } else if !ValueCheck.looselyEqual(value, expected) {
                return "\(here) is \(JSONWriter.compact(value)), expected \(JSONWriter.compact(expected))"
            }
        }
        return nil
    }

    static func partialMatch(_ pattern: JSONValue, _ actual: JSONValue) -> Bool {
        guard case .object(let keys) = pattern else { return ValueCheck.looselyEqual(actual, pattern) }
        for (key, expected) in keys {
            guard let value = actual[key] ?? actual.value(atPath: key) else { return false }
            if case .object = expected, case .object = value {
                if !partialMatch(expected, value) { return false }
            } else if !ValueCheck.looselyEqual(value, expected) {
                return false
            }
        }
        return true
    }

    public var description: String {
        switch self {
        case .path(let p, let c): "\(p.isEmpty ? "payload" : p) \(c.description)"
        case .header(let h, let c): "header \(h) \(c.description)"
        case .partial(let v): "matches \(JSONWriter.compact(v))"
        case .text(let c): "text \(c.description)"
        }
    }
}
