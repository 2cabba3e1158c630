/// Provides infrastructure for one test. Implementations: `NativeInfraBackend` (binaries on
/// this machine), `ComposeInfraBackend` (docker compose), `ExternalInfraBackend` (given URLs).
public protocol InfraBackend: Sendable {
    /// `native`, `compose` or `external`.
    var name: String { get }
    /// Starts (or connects to) the requested infrastructure and proves it serves.
    func provision(_ kinds: [InfraKind], for env: TestEnv) async throws -> InfraLease
}

/// Provisioned infrastructure and how to give it back.
public struct InfraLease: Sendable {
    public var endpoints: InfraEndpoints
    public var release: @Sendable () async -> Void

    public init(endpoints: InfraEndpoints, release: @escaping @Sendable () async -> Void = {}) {
        self.endpoints = endpoints
        self.release = release
    }
}
