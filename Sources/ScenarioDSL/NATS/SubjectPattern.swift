/// A NATS subject or wildcard pattern (`*` one token, `>` one or more trailing tokens), matched
/// as the server matches subscriptions.
public struct SubjectPattern: Sendable, Hashable, CustomStringConvertible {
    public let text: String
    let tokens: [Substring]
    /// Whether the pattern has wildcards (decided once: the wiretap matches every message).
    public let isLiteral: Bool

    public init(_ text: String) {
        self.text = text
        self.tokens = text.split(separator: ".", omittingEmptySubsequences: false)
        self.isLiteral = !tokens.contains { $0 == "*" || $0 == ">" }
    }

    public var description: String { text }

    /// Whether a (literal) subject is matched.
    public func matches(_ subject: String) -> Bool {
        if isLiteral { return subject == text }
        if tokens.count == 1, tokens[0] == ">" { return !subject.isEmpty }
        let subjectTokens = subject.split(separator: ".", omittingEmptySubsequences: false)
        for (i, token) in tokens.enumerated() {
            if token == ">" { return subjectTokens.count > i }
            guard i < subjectTokens.count else { return false }
            if token != "*" && token != subjectTokens[i] { return false }
        }
        return subjectTokens.count == tokens.count
    }

    /// Whether every subject `other` matches is matched by this pattern too (a subscription to
    /// `other` beside one to this pattern would only deliver each message twice). A subject whose
    /// first token starts with `$` (the server's own, such as `$JS.API`) is covered only by a
    /// pattern naming that token, never by a leading wildcard.
    public func covers(_ other: SubjectPattern) -> Bool {
        if let first = other.tokens.first, first.hasPrefix("$"), tokens.first != first { return false }
        for (i, token) in other.tokens.enumerated() {
            guard i < tokens.count else { return false }
            switch tokens[i] {
            case ">": return true
            case "*": if token == ">" { return false }
            case let literal: if token != literal { return false }
            }
        }
        return tokens.count == other.tokens.count
    }

    /// How close a subject that does not match comes: the token positions that differ when
    /// both have as many tokens (wildcards count as equal), else nil.
    func differingTokens(_ subject: String) -> [Int]? {
        let subjectTokens = subject.split(separator: ".", omittingEmptySubsequences: false)
        if let last = tokens.last, last == ">" {
            guard subjectTokens.count >= tokens.count - 1 else { return nil }
            let fixed = tokens.dropLast()
            return fixed.indices.filter { fixed[$0] != "*" && fixed[$0] != subjectTokens[$0] }
        }
        guard subjectTokens.count == tokens.count else { return nil }
        return tokens.indices.filter { tokens[$0] != "*" && tokens[$0] != subjectTokens[$0] }
    }

    /// A subject is a near miss of the pattern: it differs in exactly one token, or its text is
    /// within two edits of the pattern's.
    public func isNearMiss(_ subject: String) -> Bool {
        guard !matches(subject) else { return false }
        if let diff = differingTokens(subject), diff.count == 1 { return true }
        return Self.editDistance(text, subject, limit: 2) <= 2
    }

    /// Levenshtein distance, giving up (returning `limit + 1`) once it must exceed `limit`.
    static func editDistance(_ a: String, _ b: String, limit: Int) -> Int {
        let x = Array(a.utf8), y = Array(b.utf8)
        if abs(x.count - y.count) > limit { return limit + 1 }
        var previous = Array(0...y.count)
        var current = [Int](repeating: 0, count: y.count + 1)
        for i in 1...max(x.count, 1) where !x.isEmpty {
            current[0] = i
            var rowMin = current[0]
            for j in 1...max(y.count, 1) where !y.isEmpty {
                let cost = x[i - 1] == y[j - 1] ? 0 : 1
                current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
                rowMin = min(rowMin, current[j])
            }
            if rowMin > limit { return limit + 1 }
            swap(&previous, &current)
        }
        return x.isEmpty ? y.count : previous[y.count]
    }
}
