import Foundation

/// The redacted `env.json` of a test: name, folders, endpoints and the harness-relevant
/// environment variables. Secret-looking values and URL passwords are never written.
package enum EnvironmentSnapshot {
    static let secretMarkers = ["SECRET", "TOKEN", "PASSWORD", "PASSWD", "KEY", "CREDENTIAL", "AUTH", "PRIVATE"]
    static let relevantPrefixes = ["E2E_", "GREENTIC_", "GOLDEN_"]

    public static func isSecretName(_ name: String) -> Bool {
        let upper = name.uppercased()
        return secretMarkers.contains { upper.contains($0) }
    }

    /// Replaces the password in `scheme://user:password@host`, and the value of a query parameter
    /// with a secret-looking name, with `***`.
    public static func redactURL(_ url: String) -> String {
        var out = url
        if let schemeEnd = out.range(of: "://") {
            let rest = out[schemeEnd.upperBound...]
            let authorityEnd = rest.firstIndex { $0 == "/" || $0 == "?" || $0 == "#" } ?? rest.endIndex
            if let at = rest[..<authorityEnd].lastIndex(of: "@"), let colon = rest[..<at].firstIndex(of: ":") {
                out = String(out[..<schemeEnd.upperBound]) + rest[..<colon] + ":***" + rest[at...]
            }
        }
        // Query parameters with a secret-looking name (token=…, password=…) keep only their name.
        guard let question = out.firstIndex(of: "?") else { return out }
        let fragment = out[question...].firstIndex(of: "#") ?? out.endIndex
        let query = out[out.index(after: question)..<fragment].split(separator: "&", omittingEmptySubsequences: false).map { pair in
            guard let equals = pair.firstIndex(of: "="), isSecretName(String(pair[..<equals])) else { return String(pair) }
            return String(pair[..<equals]) + "=***"
        }
        return String(out[...question]) + query.joined(separator: "&") + String(out[fragment...])
    }

    /// The variables worth recording, redacted.
    public static func relevantEnvironment(_ env: [String: String], secrets: Set<String> = []) -> JSONValue {
        var out: [String: JSONValue] = [:]
        for (name, value) in env where relevantPrefixes.contains(where: { name.hasPrefix($0) }) || name == "CI" {
            if isSecretName(name) || secrets.contains(value) {
                out[name] = "<redacted>"
            } else {
                out[name] = .string(redactURL(value))
            }
        }
        return .object(out)
    }
}
