import Foundation

/// Runs infrastructure from this machine's binaries: a `nats-server` per test (JetStream on,
/// port chosen by the server) or a cluster of them (`startNATSCluster`), a `redis-server` per
/// test (no persistence, or an fsync'd append-only file with `TestEnvOptions.durableRedis`), and
/// one Postgres cluster per run with a fresh database per test. All on 127.0.0.1, no fixed ports.
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
            switch kind.service {
            case .nats:
                endpoints.natsURL = kind.isCluster ? try await startNATSCluster(env, nodes: kind.nodes) : try await startNATS(env)
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

    /// The line each node of a NATS cluster logs once the JetStream meta group has a leader
    /// (another node, or itself).
    static let clusterLeaderPattern = "JetStream cluster new metadata leader|Self is new JetStream cluster metadata leader"

    /// Starts `nodes` nats-server processes (`nats-1` …) with routes between them and clustered
    /// JetStream. Client ports are chosen by the servers and read back from their logs. Route
    /// ports are picked free beforehand, since every node must be given the others' routes when
    /// it starts (clustered JetStream refuses to start without them); a node that loses the race
    /// for its route port makes the whole cluster start again on other ports. Ready when every
    /// node answers a client and has logged the JetStream meta leader. Returns the client URLs
    /// separated by commas.
    func startNATSCluster(_ env: TestEnv, nodes: Int) async throws -> String {
        let cluster = "e2e-\(env.scopeToken)"
        var lastError: (any Error)?
        for attempt in 0..<Self.bindAttempts {
            var routePorts: [Int] = []
            while routePorts.count < nodes {
                let port = try await FreePort.pick()
                if !routePorts.contains(port) { routePorts.append(port) }
            }
            let routes = routePorts.map { "nats://127.0.0.1:\($0)" }.joined(separator: ",")
            var specs: [ServiceSpec] = []
            for (index, routePort) in routePorts.enumerated() {
                let name = "nats-\(index + 1)"
                let store = env.directory.root.appendingPathComponent("data/\(name)-\(attempt)")
                try FileManager.default.createDirectory(at: store, withIntermediateDirectories: true)
                specs.append(ServiceSpec(
                    name: name, executable: "nats-server",
                    arguments: ["-a", "127.0.0.1", "-p", "-1", "-js", "-sd", store.path, "-n", "\(cluster)-n\(index + 1)",
                                "--cluster_name", cluster, "--cluster", "nats://127.0.0.1:\(routePort)", "--routes", routes],
                    readiness: .all([.natsServer, .logLine(Self.clusterLeaderPattern)]), readinessTimeout: .seconds(30)))
            }
            // All nodes start together: none has a leader until a quorum of them runs.
            let results = await withTaskGroup(of: (Int, Result<ServiceProcess, any Error>).self) { group in
                for (index, spec) in specs.enumerated() {
                    group.addTask {
                        do { return (index, .success(try await env.start(spec))) } catch { return (index, .failure(error)) }
                    }
                }
                var results: [(Int, Result<ServiceProcess, any Error>)] = []
                for await result in group { results.append(result) }
                return results.sorted { $0.0 < $1.0 }.map(\.1)
            }
            let started = results.compactMap { try? $0.get() }
            if started.count == nodes {
                let ports = started.compactMap { $0.capture("port") }
                guard ports.count == nodes else {
                    throw ServiceError.invalidReadiness(service: "nats", reason: "a node's client port was not captured from its log")
                }
                env.log("nats cluster \(cluster): \(nodes) nodes, routes \(routes), JetStream leader elected")
                return ports.map { "nats://127.0.0.1:\($0)" }.joined(separator: ",")
            }
            for process in started { await env.stop(process) }
            let failures = results.compactMap { result -> (any Error)? in
                if case .failure(let error) = result { return error }
                return nil
            }
            let lostRace = failures.contains { error in
                guard case .exitedDuringStartup(_, _, _, let tail) = error as? ServiceError else { return false }
                return tail.contains("address already in use")
            }
            lastError = failures.first
            guard lostRace else { throw failures.first! }
            env.log("a nats cluster node lost the race for its route port; starting the cluster again on other ports")
        }
        throw lastError!
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
