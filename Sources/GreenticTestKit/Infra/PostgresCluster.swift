import CProcessSpawn
import Foundation
import Synchronization

/// One Postgres cluster per test run, initialised on first use and shared by every test of the
/// process; each test gets its own database (`CREATE DATABASE`, about 0.1 s) instead of its
/// own server. Runs as the `postgres` account when the harness runs as root (Postgres refuses
/// root). Stopped when the process exits; the reaper removes it if the process dies.
package actor PostgresCluster {
    public static let shared = PostgresCluster()

    /// A running cluster.
    public struct Running: Sendable {
        public var port: Int
        public var superuser: String
        public var dataDirectory: String
        public var logURL: URL
        public var process: ServiceProcess

        public var adminURL: String { "postgres://\(superuser)@127.0.0.1:\(port)/postgres" }
        func url(database: String) -> String { "postgres://\(superuser)@127.0.0.1:\(port)/\(database)" }
    }

    /// A per-test database.
    public struct Database: Sendable {
        public var name: String
        public var url: String
    }

    private var startTask: Task<Running, any Error>?
    private var counter = 0

    /// Starts the cluster if needed (once per process; a failed start is retried next time).
    public func ensureRunning(base: URL) async throws -> Running {
        if let startTask {
            do { return try await startTask.value } catch { self.startTask = nil; throw error }
        }
        let task = Task { try await Self.start(base: base) }
        startTask = task
        do {
            let running = try await task.value
            PostgresShutdown.install(running)
            return running
        } catch {
            startTask = nil
            throw error
        }
    }

    public func createDatabase(for env: TestEnv) async throws -> Database {
        let running = try await ensureRunning(base: env.options.artifactsBase)
        counter += 1
        let suffix = String(UInt32.random(in: 0...UInt32.max), radix: 36)
        let name = "t_" + PostgresConnection.identifierLabel(env.directory.name) + "_\(counter)_\(suffix)"
        let started = ContinuousClock.now
        _ = try await PostgresConnection.run(url: running.adminURL, sql: "CREATE DATABASE \(PostgresConnection.quoteIdentifier(name))")
        let url = running.url(database: name)
        _ = try await PostgresConnection.run(url: url, sql: "SELECT 1")
        env.log("postgres database \(name) created on the shared cluster (port \(running.port)) in \(ContinuousClock.now - started); cluster log: \(running.logURL.path)")
        return Database(name: name, url: url)
    }

    public func dropDatabase(_ name: String) async {
        guard let running = try? await startTask?.value else { return }
        _ = try? await PostgresConnection.run(
            url: running.adminURL, sql: "DROP DATABASE IF EXISTS \(PostgresConnection.quoteIdentifier(name)) WITH (FORCE)")
    }

    /// Whether the cluster still has this database (false when the cluster cannot be asked).
    public func databaseExists(_ name: String) async -> Bool {
        guard let running = try? await startTask?.value, let literal = try? PostgresConnection.quoteLiteral(name),
              let rows = try? await PostgresConnection.run(url: running.adminURL, sql: "SELECT 1 FROM pg_database WHERE datname = \(literal)")
        else { return false }
        return !rows.isEmpty
    }

    static func start(base: URL) async throws -> Running {
        let missing = NativeBinaries.missing(for: [.postgres])
        guard missing.isEmpty else {
            throw TestEnvError.prerequisiteMissing(missing.map { "\($0.name) (install: \($0.installHint))" })
        }
        var runAs: SystemUser?
        if geteuid() == 0 {
            guard let user = SystemUser.named("postgres") else {
                throw TestEnvError.prerequisiteMissing([
                    "an unprivileged 'postgres' account to run Postgres as (running as root; apt-get install -y postgresql creates it)",
                ])
            }
            runAs = user
        }
        let reaper = ProcessRegistry.shared.reaper(for: base)
        let shared = base.appendingPathComponent("_shared")
        try FileManager.default.createDirectory(at: shared, withIntermediateDirectories: true)
        let dataDir = URL(fileURLWithPath: NSTemporaryDirectory())
            .appendingPathComponent("greentic-pg-\(getpid())-\(UInt32.random(in: 0...UInt32.max))")
        try FileManager.default.createDirectory(at: dataDir, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        if let runAs { chown(dataDir.path, runAs.uid, runAs.gid) }
        let logURL = shared.appendingPathComponent("postgres-\(getpid()).log")
        let environment = ["PATH": ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin", "LC_ALL": "C", "TZ": "UTC"]
        let superuser = "postgres"

        let initdb = ServiceSpec(
            name: "initdb", executable: "initdb",
            arguments: ["-D", dataDir.path, "-U", superuser, "-A", "trust", "--no-sync", "-E", "UTF8", "--locale=C"],
            inheritEnvironment: false, readinessTimeout: .seconds(60), searchPaths: NativeBinaries.postgresSearchPaths).running(as: runAs)
        let setup = try await ServiceLauncher.launch(initdb, name: "initdb", environment: environment, logURL: logURL,
                                                     reaper: reaper, cleanupPaths: [dataDir.path])
        let status = await setup.waitForExit()
        reaper.unregister(pgid: setup.pid, leaderStartTime: setup.startTime)
        guard status == .exited(0) else {
            try? FileManager.default.removeItem(at: dataDir)
            throw ServiceError.exitedDuringStartup(service: "initdb", status: status, logPath: logURL.path, logTail: setup.logTail())
        }

        var lastError: (any Error)?
        for _ in 0..<NativeInfraBackend.bindAttempts {
            let port = try await FreePort.pick()
            let spec = ServiceSpec(
                name: "postgres", executable: "postgres",
                arguments: ["-D", dataDir.path, "-p", "\(port)", "-c", "listen_addresses=127.0.0.1",
                            "-c", "unix_socket_directories=", "-c", "fsync=off", "-c", "synchronous_commit=off",
                            "-c", "full_page_writes=off", "-c", "max_connections=200", "-c", "shared_buffers=64MB"],
                inheritEnvironment: false,
                readiness: .all([
                    .logLine("database system is ready to accept connections"),
                    .probe(.postgres(url: "postgres://\(superuser)@127.0.0.1:\(port)/postgres")),
                ]),
                readinessTimeout: .seconds(60), stopSignal: SIGINT, stopGrace: .seconds(5),
                searchPaths: NativeBinaries.postgresSearchPaths).running(as: runAs)
            do {
                let process = try await ServiceLauncher.launch(spec, name: "postgres", environment: environment, logURL: logURL,
                                                               reaper: reaper, cleanupPaths: [dataDir.path])
                return Running(port: port, superuser: superuser, dataDirectory: dataDir.path, logURL: logURL, process: process)
            } catch let error as ServiceError {
                guard case .exitedDuringStartup(_, _, _, let tail) = error, tail.contains("in use") else {
                    try? FileManager.default.removeItem(at: dataDir)
                    throw error
                }
                lastError = error
            }
        }
        try? FileManager.default.removeItem(at: dataDir)
        throw lastError!
    }
}
