import Foundation

/// Whether missing prerequisites fail instead of skip: under `CI` (any value but empty, `0`,
/// `false`) or `E2E_STRICT=1`.
public enum StrictMode {
    public static func isCI(_ env: [String: String]) -> Bool {
        truthy(env["CI"])
    }

    public static func isStrict(_ env: [String: String]) -> Bool {
        isCI(env) || truthy(env["E2E_STRICT"])
    }

    static func truthy(_ value: String?) -> Bool {
        guard let value = value?.trimmingCharacters(in: .whitespaces).lowercased(), !value.isEmpty else { return false }
        return !["0", "false", "no", "off"].contains(value)
    }
}
