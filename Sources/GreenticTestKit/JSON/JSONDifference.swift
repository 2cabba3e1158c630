

/// A structural difference between two JSON values, located by a path such as `$.items[2].text`.
public struct JSONDifference: Sendable, Equatable, CustomStringConvertible {
    /// How the two values differ at the path.
    public enum Kind: String, Sendable {
        case missing      // in expected, not in actual
        case unexpected   // in actual, not in expected
        case changed      // present in both, different
    }

    public var path: String
    public var kind: Kind
    public var expected: JSONValue?
    public var actual: JSONValue?

    public var description: String {
        switch kind {
        case .missing: "\(path): missing (expected \(Self.short(expected)))"
        case .unexpected: "\(path): unexpected \(Self.short(actual))"
        case .changed: "\(path): expected \(Self.short(expected)), got \(Self.short(actual))"
        }
    }

    static func short(_ v: JSONValue?) -> String {
        guard let v else { return "nothing" }
        let text = JSONWriter.compact(v)
        return text.count > 120 ? String(text.prefix(117)) + "..." : text
    }
}
