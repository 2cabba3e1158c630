import Foundation

/// The one line that reruns a failing test alone with the settings that matter: for the
/// project's tiers (modules L0, L1, L2) through `scripts/e2e.sh`, elsewhere through
/// `swift test --filter`; with `E2E_INFRA`, strictness and `E2E_SEED` when set.
package enum ReproLine {
    /// `repro: …` for a test id such as `L2.StackSuitesTests/waiting()/File.swift:12:3`.
    public static func line(testID: String, environment: [String: String] = ProcessInfo.processInfo.environment) -> String {
        let parts = testID.split(separator: "/").map(String.init).filter { $0.range(of: #"\.swift:\d+:\d+$"#, options: .regularExpression) == nil }
        let name = parts.joined(separator: "/")
        var settings: [String] = []
        if StrictMode.isStrict(environment) { settings.append("E2E_STRICT=1") }
        settings.append("E2E_INFRA=\(environment["E2E_INFRA"].flatMap { $0.isEmpty ? nil : $0 } ?? "auto")")
        if let seed = environment["E2E_SEED"], !seed.isEmpty { settings.append("E2E_SEED=\(seed)") }
        let module = name.split(separator: ".", maxSplits: 1).first.map(String.init) ?? ""
        let rest = name.split(separator: ".", maxSplits: 1).dropFirst().first.map(String.init) ?? name
        let command: String
        if ["L0", "L1", "L2"].contains(module) {
            command = "scripts/e2e.sh \(module.lowercased()) --focus \(quote(escape(rest)))"
        } else {
            command = "swift test --filter \(quote("^" + escape(name) + "(/|$)"))"
        }
        return "repro: " + (settings + [command]).joined(separator: " ")
    }

    /// Escapes regular-expression metacharacters.
    static func escape(_ text: String) -> String {
        var out = ""
        for c in text {
            if "\\^$.|?*+()[]{}".contains(c) { out.append("\\") }
            out.append(c)
        }
        return out
    }

    static func quote(_ text: String) -> String {
        "'" + text.replacingOccurrences(of: "'", with: "'\\''") + "'"
    }
}
