import Foundation

/// Settings of one `TestEnv`; defaults come from the process environment.
public struct TestEnvOptions: Sendable {
    /// Process environment the options were read from (and services inherit).
    public var environment: [String: String]
    /// Artifacts base folder (`E2E_ARTIFACTS_DIR`, else `.build/e2e`).
    public var artifactsBase: URL
    /// Keep the folder after success (`E2E_KEEP=1`).
    public var keepOnSuccess: Bool
    /// Backend choice (`E2E_INFRA`).
    public var infraSelection: InfraSelection
    /// Redis persists every write before answering it (`appendonly yes`, `appendfsync always`),
    /// the promise the file session store makes; `E2E_REDIS_DURABLE=1`. Off by default: a test's
    /// Redis lives as long as the test and runs faster without persistence. `stack up` turns it on.
    public var durableRedis: Bool
    /// A backend to use instead of the selection (for custom or fake backends).
    public var backendOverride: (any InfraBackend)?
    /// Asked at the end: did the test record a failure without throwing (for example `#expect`)?
    public var failureObserved: (@Sendable () -> Bool)?
    /// Told what the test left behind (outside `CI` / `E2E_STRICT=1`, where a leak fails the
    /// test instead); the Swift Testing trait records each as a warning.
    public var leaksObserved: (@Sendable ([ResourceLeak]) -> Void)?
    /// The seed of everything random a test draws through the kit (the NATS fault proxy's
    /// faults): `E2E_SEED` (decimal or `0x` hex) when set, else a fresh random one. It is printed
    /// in the failure's `repro:` line, so rerunning with it replays the same choices.
    public var seed: UInt64

    public init(environment: [String: String] = ProcessInfo.processInfo.environment) {
        self.environment = environment
        self.artifactsBase = TestDirectory.base(environment: environment)
        self.keepOnSuccess = StrictMode.truthy(environment["E2E_KEEP"])
        self.infraSelection = (try? InfraSelection.fromEnvironment(environment)) ?? .auto
        self.durableRedis = StrictMode.truthy(environment["E2E_REDIS_DURABLE"])
        self.backendOverride = nil
        self.failureObserved = nil
        self.leaksObserved = nil
        self.seed = Self.parseSeed(environment["E2E_SEED"]) ?? UInt64.random(in: 0...UInt64.max)
    }

    /// `E2E_SEED`'s value as a number: decimal, or hexadecimal after `0x`; nil when unset or not one.
    public static func parseSeed(_ text: String?) -> UInt64? {
        guard let text = text?.trimmingCharacters(in: .whitespaces), !text.isEmpty else { return nil }
        if text.lowercased().hasPrefix("0x") { return UInt64(text.dropFirst(2), radix: 16) }
        return UInt64(text)
    }

    /// The environment a rerun needs to draw the same random choices: `environment` with
    /// `E2E_SEED` set to this seed.
    public var reproEnvironment: [String: String] {
        environment.merging(["E2E_SEED": String(seed)]) { _, new in new }
    }
}
