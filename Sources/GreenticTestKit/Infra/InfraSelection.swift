import Foundation

/// Picks the backend from `E2E_INFRA=auto|native|compose|external`. `auto` means external when
/// every requested kind has its URL variable, else native when its binaries are found, else
/// compose when a Docker engine answers.
public enum InfraSelection: String, Sendable, CaseIterable {
    case auto, native, compose, external

    public static func fromEnvironment(_ env: [String: String]) throws -> InfraSelection {
        guard let raw = env["E2E_INFRA"], !raw.isEmpty else { return .auto }
        guard let value = InfraSelection(rawValue: raw.lowercased()) else {
            throw TestEnvError.invalidConfiguration("E2E_INFRA=\(raw) is not one of auto, native, compose, external")
        }
        return value
    }

    /// The backend to use for `kinds`.
    public func backend(for kinds: [InfraKind], environment env: [String: String]) async throws -> any InfraBackend {
        switch self {
        case .native: return NativeInfraBackend()
        case .compose: return try ComposeInfraBackend(environment: env)
        case .external: return ExternalInfraBackend(environment: env)
        case .auto:
            if kinds.allSatisfy({ !(env[$0.externalURLVariable] ?? "").isEmpty }) {
                return ExternalInfraBackend(environment: env)
            }
            let missing = NativeBinaries.missing(for: kinds)
            if missing.isEmpty { return NativeInfraBackend() }
            if await ComposeInfraBackend.engineAvailable(environment: env) {
                return try ComposeInfraBackend(environment: env)
            }
            throw TestEnvError.prerequisiteMissing(missing.map { "\($0.name) (install: \($0.installHint))" })
        }
    }
}
