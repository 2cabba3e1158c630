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
