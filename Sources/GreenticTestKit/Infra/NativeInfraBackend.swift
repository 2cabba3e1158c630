import Foundation

/// Runs infrastructure from this machine's binaries: a `nats-server` per test (JetStream on,
/// port chosen by the server), a `redis-server` per test (no persistence, or an fsync'd append-only
/// file with `TestEnvOptions.durableRedis`), and one Postgres
/// cluster per run with a fresh database per test. All on 127.0.0.1, no fixed ports.
package struct NativeInfraBackend: InfraBackend {
    public var name: String { "native" }

    /// How often a server that lost a port race is restarted on another port.
    static let bindAttempts = 5

    public init() {}

    public func provision(_ kinds: [InfraKind], for env: TestEnv) async throws -> InfraLease {
        let missing = NativeBinaries.missing(for: kinds)
        guard missing.isEmpty else {
            throw TestEnvError.prerequisiteMissing(missing.map { "\($0.name) (install: \($0.installHint))" })
        }
        var endpoints = InfraEndpoints(backend: name)
        var releases: [@Sendable () async -> Void] = []
        for kind in kinds {
            switch kind {
            case .nats:
                endpoints.natsURL = try await startNATS(env)
            case .redis:
                endpoints.redisURL = try await startRedis(env)
            case .postgres:
                let database = try await PostgresCluster.shared.createDatabase(for: env)
                endpoints.databaseURL = database.url
                releases.append { await PostgresCluster.shared.dropDatabase(database.name) }
                env.track(TrackedResource(
                    kind: .database, detail: "\(database.name) (still there after the environment dropped it)", point: .infraReleased,
                    stillHeld: { await PostgresCluster.shared.databaseExists(database.name) },
                    reclaim: { await PostgresCluster.shared.dropDatabase(database.name) }))
            }
        }
        let toRun = releases
        return InfraLease(endpoints: endpoints) {
            for release in toRun { await release() }
        }
    }

    func startNATS(_ env: TestEnv) async throws -> String {
        let store = env.directory.root.appendingPathComponent("data/nats")
        try FileManager.default.createDirectory(at: store, withIntermediateDirectories: true)
        let spec = ServiceSpec(
            name: "nats", executable: "nats-server",
            arguments: ["-a", "127.0.0.1", "-p", "-1", "-js", "-sd", store.path, "-n", "e2e-\(env.directory.name)"],
            readiness: .natsServer, readinessTimeout: .seconds(20))
        let process = try await env.start(spec)
        guard let port = process.capture("port") else {
            throw ServiceError.invalidReadiness(service: "nats", reason: "the port was not captured from the log")
        }
        return "nats://127.0.0.1:\(port)"
    }

    /// Redis's persistence arguments: none, or every write in the append-only file and fsync'd
    /// before Redis answers it.
    static func redisPersistence(durable: Bool) -> [String] {
        durable ? ["--appendonly", "yes", "--appendfsync", "always"] : ["--appendonly", "no"]
    }

    func startRedis(_ env: TestEnv) async throws -> String {
        let dir = env.directory.root.appendingPathComponent("data/redis")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let persistence = Self.redisPersistence(durable: env.options.durableRedis)
        var lastError: (any Error)?
        for _ in 0..<Self.bindAttempts {
            let port = try await FreePort.pick()
            let spec = ServiceSpec(
                name: "redis", executable: "redis-server",
                arguments: ["--port", "\(port)", "--bind", "127.0.0.1", "--save", ""] + persistence
                    + ["--dir", dir.path, "--protected-mode", "no"],
                readiness: .all([.logLine("Ready to accept connections"), .probe(.redis(host: "127.0.0.1", port: "\(port)"))]),
                readinessTimeout: .seconds(20))
            do {
                _ = try await env.start(spec)
                return "redis://127.0.0.1:\(port)"
            } catch let error as ServiceError {
                guard case .exitedDuringStartup(_, _, _, let tail) = error, tail.contains("in use") else { throw error }
                lastError = error
                env.log("redis lost the race for port \(port); retrying on another port")
            }
        }
        throw lastError!
    }
}
