import Foundation
import GreenticTestKit

/// A check on a value: equality, substring, regular expression, or presence.
public enum ValueCheck: Sendable, Equatable {
    case equals(JSONValue)
    case contains(String)
    case matches(String)
    case exists

    func holds(_ value: JSONValue?) -> Bool {
        switch self {
        case .exists: return value != nil
        case .equals(let expected): return value.map { Self.looselyEqual($0, expected) } ?? false
        case .contains(let text):
            guard let value else { return false }
            return (value.stringValue ?? JSONWriter.compact(value)).contains(text)
        case .matches(let pattern):
            guard let value, let regex = try? Regex(pattern) else { return false }
            return (try? regex.firstMatch(in: value.stringValue ?? JSONWriter.compact(value))) != nil
        }
    }

    /// Equal, or a string that equals the other's JSON text (`"1"` matches `1` from a template).
    static func looselyEqual(_ a: JSONValue, _ b: JSONValue) -> Bool {
        if a == b { return true }
        if case .string(let s) = a, (try? JSONValue.parse(s)) == b { return true }
        if case .string(let s) = b, (try? JSONValue.parse(s)) == a { return true }
        return false
    }

    public var description: String {
        switch self {
        case .equals(let v): "equals \(JSONWriter.compact(v))"
        case .contains(let s): "contains \(s.debugDescription)"
        case .matches(let p): "matches /\(p)/"
        case .exists: "exists"
        }
    }
}

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

/// Collects matchers in `Expect(...) { $0.json("text", contains: "x") }`.
public final class MatchBuilder {
    public private(set) var matchers: [MessageMatcher] = []

    public init() {}

    @discardableResult public func json(_ path: String, equals value: JSONValue) -> Self { add(.path(path, .equals(value))) }
    @discardableResult public func json(_ path: String, contains text: String) -> Self { add(.path(path, .contains(text))) }
    @discardableResult public func json(_ path: String, matches regex: String) -> Self { add(.path(path, .matches(regex))) }
    @discardableResult public func json(has path: String) -> Self { add(.path(path, .exists)) }
    @discardableResult public func partial(_ pattern: JSONValue) -> Self { add(.partial(pattern)) }
    @discardableResult public func header(_ name: String, equals value: String) -> Self { add(.header(name, .equals(.string(value)))) }
    @discardableResult public func header(_ name: String, matches regex: String) -> Self { add(.header(name, .matches(regex))) }
    @discardableResult public func text(contains text: String) -> Self { add(.text(.contains(text))) }

    private func add(_ m: MessageMatcher) -> Self {
        matchers.append(m)
        return self
    }
}
