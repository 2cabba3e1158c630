/// The prefix the runner simulator puts before the subjects that carry no `{env}` token (event
/// topics and dead letters), so that two suites on one NATS do not see each other's events.
package enum TopicPrefix {
    /// Why a prefix was refused.
    package struct Invalid: Error, CustomStringConvertible {
        package var prefix: String
        package var description: String {
            "invalid topic prefix '\(prefix)': use dot-separated subject tokens without spaces or the wildcards * and > (for example 'e2e-1a2b3c.')"
        }
    }

    /// The prefix ending in one `.` (`"ci"` and `"ci."` both give `"ci."`); the empty string stays
    /// empty. Throws `Invalid` for an empty token, whitespace or a wildcard token.
    package static func normalized(_ raw: String) throws -> String {
        guard !raw.isEmpty else { return "" }
        let body = raw.hasSuffix(".") ? String(raw.dropLast()) : raw
        let tokens = body.split(separator: ".", omittingEmptySubsequences: false)
        let valid = !body.isEmpty && tokens.allSatisfy { token in
            !token.isEmpty && token != "*" && token != ">" && !token.contains { $0.isWhitespace }
        }
        guard valid else { throw Invalid(prefix: raw) }
        return body + "."
    }
}
