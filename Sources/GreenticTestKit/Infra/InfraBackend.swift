/// Provides infrastructure for one test. Implementations: `NativeInfraBackend` (binaries on
/// this machine), `ComposeInfraBackend` (docker compose), `ExternalInfraBackend` (given URLs).
public protocol InfraBackend: Sendable {
    /// `native`, `compose` or `external`.
    var name: String { get }
    /// Starts (or connects to) the requested infrastructure and proves it serves.
    func provision(_ kinds: [InfraKind], for env: TestEnv) async throws -> InfraLease
}
