import Foundation

/// Uses infrastructure that already runs elsewhere (`E2E_NATS_URL`, `E2E_DATABASE_URL`,
/// `E2E_REDIS_URL`): probes it (for up to `E2E_EXTERNAL_PROBE_TIMEOUT_MS`, default 10 s),
/// never starts or stops it. Tests keep apart on a shared NATS by their subject prefix and
/// Greentic env token, on a shared Postgres by a database (or schema) each, which teardown
/// drops (`ExternalPostgresScope`), and on a shared Redis by keys carrying their scope token,
/// which teardown deletes (`ExternalRedisSweep`).
package struct ExternalInfraBackend: InfraBackend {
    public var name: String { "external" }
    public let environment: [String: String]

    public init(environment: [String: String]) {
        self.environment = environment
    }

    public func provision(_ kinds: [InfraKind], for env: TestEnv) async throws -> InfraLease {
        var endpoints = InfraEndpoints(backend: name)
        var missing: [String] = []
        for kind in kinds {
            if let url = environment[kind.externalURLVariable], !url.isEmpty {
                endpoints.set(kind, url)
            } else {
                missing.append("\(kind.externalURLVariable) (the URL of an external \(kind.rawValue))")
            }
        }
        guard missing.isEmpty else { throw TestEnvError.prerequisiteMissing(missing) }
        if let cluster = kinds.first(where: \.isCluster), endpoints.natsURLs.count < cluster.nodes {
            throw TestEnvError.invalidConfiguration(
                "\(cluster.rawValue) needs E2E_NATS_URL to list \(cluster.nodes) nodes separated by commas; it lists \(endpoints.natsURLs.count)")
        }
        let timeout = environment["E2E_EXTERNAL_PROBE_TIMEOUT_MS"].flatMap(Int.init).map { Duration.milliseconds($0) } ?? .seconds(10)
        try await Self.probeAll(kinds, endpoints: endpoints, timeout: timeout)
        // Postgres: the test's own database (or schema, when the role may not create databases),
        // dropped at teardown; the shared database itself is never written.
        var release: @Sendable () async -> Void = {}
        if kinds.contains(.postgres), let shared = endpoints.url(for: .postgres) {
            let label = PostgresConnection.identifierLabel(env.directory.name)
            let scope = try await ExternalPostgresScope.create(sharedURL: shared, name: env.scopedName("e2e_\(label)"))
            endpoints.set(.postgres, scope.url)
            env.log("postgres: \(scope.kind.rawValue) \(scope.name) created on the external server for this test")
            release = {
                do { try await scope.drop() } catch { env.log("postgres: could not drop \(scope.kind.rawValue) \(scope.name): \(error)") }
            }
        }
        // Redis: the keys carrying this test's scope token are deleted at teardown.
        if kinds.contains(.redis), let redis = endpoints.url(for: .redis) {
            let postgres = release
            let token = env.scopeToken
            release = {
                await postgres()
                do { try await ExternalRedisSweep.run(url: redis, token: token) } catch {
                    env.log("redis: could not delete this test's keys (*\(token)*): \(error)")
                }
            }
        }
        return InfraLease(endpoints: endpoints, release: release)
    }

    /// Proves each endpoint serves (each node of a NATS URL list), retrying until the deadline.
    static func probeAll(_ kinds: [InfraKind], endpoints: InfraEndpoints, timeout: Duration) async throws {
        let deadline = ContinuousClock.now + timeout
        for kind in kinds {
            guard let list = endpoints.url(for: kind) else { continue }
            for url in kind.service == .nats ? InfraEndpoints.urlList(list) : [list] {
                var lastError: (any Error)?
                repeat {
                    do {
                        try await probe(kind, url: url)
                        lastError = nil
                        break
                    } catch {
                        lastError = error
                        try await Task.sleep(for: .milliseconds(100))
                    }
                } while ContinuousClock.now < deadline
                if let lastError {
                    throw TestEnvError.invalidConfiguration("\(kind.rawValue) at \(EnvironmentSnapshot.redactURL(url)) does not answer: \(lastError)")
                }
            }
        }
    }

    static func probe(_ kind: InfraKind, url: String) async throws {
        switch kind.service {
        case .postgres:
            _ = try await PostgresConnection.run(url: url, sql: "SELECT 1")
        case .nats, .redis:
            guard let (host, port) = InfraEndpoints.hostPort(url) else {
                throw TestEnvError.invalidConfiguration("\(url) has no host:port")
            }
            var steps = kind.service == .nats ? ProbeClient.natsSteps : ProbeClient.redisSteps
            if kind.service == .redis, let password = URLComponents(string: url)?.password, !password.isEmpty {
                steps.insert(contentsOf: [.send("AUTH \(password)\r\n"), .expect("+OK\r\n")], at: 0)
            }
            try await ProbeClient.converse(host: host, port: port, steps: steps)
        }
    }
}
