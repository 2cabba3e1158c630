import Foundation

/// Runs infrastructure with `docker compose`: a project per test, services started with
/// `up -d --wait` (healthchecks honoured), host ports chosen by Docker and read back with
/// `docker compose port`, logs captured into `logs/compose.log` before `down -v`.
///
/// The compose file is `E2E_COMPOSE_FILE`, else `compose/e2e.yml` under the current directory;
/// the docker executable is `E2E_DOCKER`, else `docker` on `PATH`.
package struct ComposeInfraBackend: InfraBackend {
    public var name: String { "compose" }
    public let composeFile: URL
    public let docker: String
    public let environment: [String: String]

    /// Container ports of the services in `compose/e2e.yml`.
    static func containerPort(_ kind: InfraKind) -> Int {
        switch kind.service {
        case .nats: 4222
        case .postgres: 5432
        case .redis: 6379
        }
    }

    public init(environment: [String: String]) throws {
        self.environment = environment
        let cwd = URL(fileURLWithPath: FileManager.default.currentDirectoryPath, isDirectory: true)
        if let file = environment["E2E_COMPOSE_FILE"], !file.isEmpty {
            composeFile = URL(fileURLWithPath: file, relativeTo: cwd).standardizedFileURL
        } else {
            composeFile = cwd.appendingPathComponent("compose/e2e.yml")
        }
        docker = environment["E2E_DOCKER"].flatMap { $0.isEmpty ? nil : $0 } ?? "docker"
    }

    /// Whether a Docker engine answers `docker info`.
    public static func engineAvailable(environment: [String: String]) async -> Bool {
        let docker = environment["E2E_DOCKER"].flatMap { $0.isEmpty ? nil : $0 } ?? "docker"
        guard let output = try? await CommandRunner.run(docker, ["info", "--format", "{{.ServerVersion}}"],
                                                        environment: environment, timeout: .seconds(10)) else { return false }
        return output.status == 0
    }

    /// The compose project name of a test: lower-case letters, digits, `_` and `-` only.
    public static func projectName(for directoryName: String) -> String {
        let cleaned = directoryName.lowercased().map { ($0.isLetter && $0.isASCII) || $0.isNumber || $0 == "-" || $0 == "_" ? $0 : "_" }
        return "greentic_e2e_" + String(cleaned.prefix(40)) + "_" + String(UInt32.random(in: 0...UInt32.max), radix: 36)
    }

    public func provision(_ kinds: [InfraKind], for env: TestEnv) async throws -> InfraLease {
        if let cluster = kinds.first(where: \.isCluster) {
            throw TestEnvError.invalidConfiguration(
                "\(cluster.rawValue): the compose backend runs one NATS server; run a cluster with E2E_INFRA=native, or E2E_INFRA=external with E2E_NATS_URL listing its nodes")
        }
        guard FileManager.default.fileExists(atPath: composeFile.path) else {
            throw TestEnvError.invalidConfiguration("compose file not found at \(composeFile.path) (set E2E_COMPOSE_FILE)")
        }
        let project = Self.projectName(for: env.directory.name)
        env.log("compose project \(project) from \(composeFile.path)")
        let release: @Sendable () async -> Void = { [self] in
            let logs = try? await compose(project, ["logs", "--no-color", "--timestamps"], env: env)
            let text = logs.map { $0.status == 0 ? $0.stdout : "failed to capture compose logs (code \($0.status)): \($0.stderr)" }
                ?? "failed to capture compose logs"
            try? Data(text.utf8).write(to: env.directory.logs.appendingPathComponent("compose.log"))
            _ = try? await compose(project, ["down", "-v", "--remove-orphans"], env: env)
        }
        do {
            try await check(compose(project, ["up", "-d", "--wait", "--remove-orphans"] + kinds.map(\.service.rawValue), env: env), "up")
            var endpoints = InfraEndpoints(backend: name)
            for kind in kinds {
                let port = try await hostPort(project: project, kind: kind, env: env)
                switch kind.service {
                case .nats: endpoints.natsURL = "nats://127.0.0.1:\(port)"
                case .redis: endpoints.redisURL = "redis://127.0.0.1:\(port)"
                case .postgres: endpoints.databaseURL = "postgres://postgres:postgres@127.0.0.1:\(port)/postgres"
                }
            }
            try await ExternalInfraBackend.probeAll(kinds, endpoints: endpoints, timeout: .seconds(30))
            return InfraLease(endpoints: endpoints, release: release)
        } catch {
            await release()
            throw error
        }
    }

    func hostPort(project: String, kind: InfraKind, env: TestEnv) async throws -> Int {
        let output = try await compose(project, ["port", kind.rawValue, "\(Self.containerPort(kind))"], env: env)
        try check(output, "port \(kind.rawValue)")
        let line = output.stdout.split(separator: "\n").first.map(String.init) ?? ""
        guard let colon = line.lastIndex(of: ":"), let port = Int(line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)) else {
            throw TestEnvError.invalidConfiguration("docker compose port \(kind.rawValue) printed '\(line)', not HOST:PORT")
        }
        return port
    }

    func compose(_ project: String, _ arguments: [String], env: TestEnv) async throws -> CommandRunner.Output {
        let args = ["compose", "-f", composeFile.path, "-p", project] + arguments
        env.log("$ \(docker) \(args.joined(separator: " "))")
        var environment = self.environment
        environment["COMPOSE_PROJECT_NAME"] = project
        // compose/e2e.yml reads Redis's persistence from these (see NativeInfraBackend.redisPersistence).
        environment["E2E_REDIS_APPENDONLY"] = env.options.durableRedis ? "yes" : "no"
        environment["E2E_REDIS_APPENDFSYNC"] = env.options.durableRedis ? "always" : "everysec"
        let output = try await CommandRunner.run(docker, args, environment: environment, timeout: .seconds(300))
        env.timeline.append(kind: "env", source: "compose", data: [
            "args": .array(arguments.map { .string($0) }), "status": .number(Double(output.status)),
        ])
        return output
    }

    func check(_ output: CommandRunner.Output, _ what: String) throws {
        guard output.status == 0 else {
            throw TestEnvError.invalidConfiguration("docker compose \(what) failed (code \(output.status)): \(output.stderr.trimmingCharacters(in: .whitespacesAndNewlines))")
        }
    }
}
