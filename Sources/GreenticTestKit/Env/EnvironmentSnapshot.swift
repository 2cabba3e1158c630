import Foundation

/// The redacted `env.json` of a test: name, folders, endpoints and the harness-relevant
/// environment variables. Secret-looking values and URL passwords are never written.
public enum EnvironmentSnapshot {
    static let secretMarkers = ["SECRET", "TOKEN", "PASSWORD", "PASSWD", "KEY", "CREDENTIAL", "AUTH", "PRIVATE"]
    static let relevantPrefixes = ["E2E_", "GREENTIC_", "GOLDEN_"]

    public static func isSecretName(_ name: String) -> Bool {
        let upper = name.uppercased()
        return secretMarkers.contains { upper.contains($0) }
    }

    /// Replaces the password in `scheme://user:password@host` with `***`.
    public static func redactURL(_ url: String) -> String {
        guard let schemeEnd = url.range(of: "://") else { return url }
        let rest = url[schemeEnd.upperBound...]
        guard let at = rest.firstIndex(of: "@") else { return url }
        let userInfo = rest[..<at]
        guard let colon = userInfo.firstIndex(of: ":") else { return url }
        return String(url[..<schemeEnd.upperBound]) + userInfo[..<colon] + ":***" + rest[at...]
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
