import Foundation

extension TestEnv {
    /// Finds the real runner: `GREENTIC_BIN_DIR`, `tests/bin/<os>-<arch>/`, `.build/{debug,release}`,
    /// then `PATH` (split on `:`).
    public static func locateGreenticRunner(environment: [String: String] = ProcessInfo.processInfo.environment) -> String? {
        locateGreenticBinary("greentic-runner", environment: environment)
    }

    /// Finds a Greentic binary (`greentic-runner`, `greentic-deployer`, `greentic-store`) in the
    /// places `locateGreenticRunner` searches.
    public static func locateGreenticBinary(_ name: String, environment: [String: String] = ProcessInfo.processInfo.environment) -> String? {
        var dirs: [String] = []
        if let bin = environment["GREENTIC_BIN_DIR"], !bin.isEmpty { dirs.append(bin) }
        let cwd = FileManager.default.currentDirectoryPath
        #if arch(arm64)
        let arch = "aarch64"
        #else
        let arch = "x86_64"
        #endif
        dirs += ["\(cwd)/tests/bin/linux-\(arch)", "\(cwd)/.build/debug", "\(cwd)/.build/release"]
        return try? ExecutableLocator.locate(name, extraPaths: dirs, environment: environment)
    }

    /// Boots the stack as services of this environment (NATS must be requested; Postgres and
    /// Redis are used when requested): the runner and the fixture server as processes with
    /// readiness and logs. Which runner ran, its path and version go to `artifacts/stack.json`;
    /// the runner simulator writes its effect log to `artifacts/effect_log.jsonl`, every attempt
    /// to `artifacts/attempt_log.jsonl` and deployment plans under `artifacts/iac/` (its `/iac`).
    /// Sessions are shared by the runner and the fixture server (Redis when requested, else the
    /// fixture server's session file), so a flow that waits is resumed through the fixture
    /// server; flow state goes to Postgres, else Redis, else the runner's memory. The runner
    /// reads tenant secrets written with `writeTenantSecret` (the private secrets folder).
    /// `greentic-deployer` and `greentic-store`, when found, are handed to the real runner as
    /// `GREENTIC_DEPLOYER_BIN` / `GREENTIC_STORE_BIN` and listed in `stack.json`.
    /// `runnerNATSURL` lets a test put a `FaultProxy` between the runner and NATS;
    /// `serverEnvironment` adds `GREENTIC_*` settings for the fixture server (for example
    /// `GREENTIC_WEBCHAT__FLOW`).
    /// `bindings` is the runner bindings file (`--bindings` for both runners).
    /// The runner's subjects carry this test's `{env}` token, `greenticEnv` (`--env` for the
    /// simulator, `GREENTIC_ENV` for the real runner): publish to
    /// `greentic.messaging.ingress.\(stack.env).…` and expect on the matching egress subject.
    /// Event topics and dead letters have no `{env}` token: name them with `stack.topic(_:)`.
    public func startStack(packsRoot: URL, runnerNATSURL: String? = nil, serverEnvironment: [String: String] = [:],
                           bindings: URL? = nil) async throws -> GreenticStack {
        let nats = try natsURL()
        let runnerNATS = runnerNATSURL ?? nats
        let cli = GreenticBinaries.integrationCLI(environment: options.environment)
        var runnerKind = "runner-sim"
        // The real runner's event topics are the flows' own; the simulator's go behind the env.
        var topicPrefix = "\(greenticEnv)."
        var runnerBinary = cli
        let runner: ServiceProcess
        let sessionFile = directory.artifacts.appendingPathComponent("sessions.json").path
        // The runner and the fixture server share one Redis hash of sessions, this test's own.
        let sessionsRedisPrefix = "greentic:sessions:\(greenticEnv)"
        let companions = ["greentic-deployer", "greentic-store"].map { ($0, Self.locateGreenticBinary($0, environment: options.environment)) }
        if let real = Self.locateGreenticRunner(environment: options.environment) {
            runnerKind = "greentic-runner"
            topicPrefix = ""
            runnerBinary = real
            let port = try await FreePort.pick()
            // GREENTIC_ENV is the platform's own {env} token (greentic-contracts §3).
            var environment = ["NATS_URL": runnerNATS, "GREENTIC_ENV": greenticEnv, "GREENTIC_STATE_DIR": directory.root.appendingPathComponent("runner_state").path,
                               "GREENTIC_CACHE_DIR": directory.root.appendingPathComponent("runner_cache").path]
            if let redis = endpoints.redisURL {
                environment["GREENTIC_RUNNER_SESSION_BACKEND"] = "redis"
                environment["GREENTIC_RUNNER_STATE_BACKEND"] = "redis"
                environment["GREENTIC_RUNNER_REDIS_URL"] = redis
            }
            for (name, path) in companions {
                if let path { environment["GREENTIC_\(name.dropFirst("greentic-".count).uppercased())_BIN"] = path }
            }
            runner = try await start(ServiceSpec(
                name: "greentic-runner", executable: real,
                arguments: ["--allow-dev", "--port", "\(port)"] + (bindings.map { ["--bindings", $0.path, "--config", $0.path] } ?? []),
                environment: environment,
                readiness: .tcp(host: "127.0.0.1", port: "\(port)")))
            runner.setCaptures(["port": "\(port)"])
        } else {
            typealias Sim = KitCommandContract.RunnerSim
            let flags: [(Sim.Flag, String)] = [
                (.nats, runnerNATS), (.env, greenticEnv), (.topicPrefix, "\(greenticEnv)."), (.packs, packsRoot.path), (.listen, "127.0.0.1:0"),
                (.effectLog, directory.artifacts.appendingPathComponent("effect_log.jsonl").path),
                (.attemptLog, directory.artifacts.appendingPathComponent("attempt_log.jsonl").path),
                (.iacDir, directory.artifacts.appendingPathComponent("iac").path),
                (.secretsDir, secretsDirectory.path),
                (.sessions, endpoints.redisURL ?? "file:\(sessionFile)"),
                (.sessionsRedisPrefix, sessionsRedisPrefix),
                (.state, endpoints.databaseURL ?? endpoints.redisURL ?? "memory"),
            ] + (bindings.map { [(.bindings, $0.path)] } ?? [])
            var spec = ServiceSpec(
                name: Sim.command, executable: cli,
                arguments: [Sim.command] + flags.flatMap { [$0.0.argument, $0.1] },
                readiness: .all([.logLine(Sim.readyPattern()),
                                 .http(url: "http://127.0.0.1:${port}/healthz", status: 200)]))
            spec.isKitExecutable = true
            runner = try await start(spec)
        }
        let runnerURL = "http://127.0.0.1:\(runner.capture("port") ?? "0")"
        typealias Key = KitCommandContract.ConfigKey
        var serverEnv = [Key.runnerURL.environmentName: runnerURL, "XDG_CONFIG_HOME": directory.artifacts.appendingPathComponent("xdg").path,
                         Key.sessionFilePath.environmentName: sessionFile]
        if let redis = endpoints.redisURL {
            serverEnv[Key.sessionBackend.environmentName] = "redis"
            serverEnv[Key.sessionRedisURL.environmentName] = redis
            serverEnv[Key.sessionRedisPrefix.environmentName] = sessionsRedisPrefix
        }
        serverEnv.merge(serverEnvironment) { _, given in given }
        let server = try await start(.fixtureServer(arguments: [KitCommandContract.Serve.Flag.packs.argument, packsRoot.path], environment: serverEnv,
                                                    workingDirectory: directory.artifacts))
        let version = (try? await CommandRunner.run(runnerBinary, ["--version"], timeout: .seconds(10)))?.stdout
            .trimmingCharacters(in: .whitespacesAndNewlines) ?? "unknown"
        let stack = GreenticStack(env: greenticEnv, topicPrefix: topicPrefix, natsURL: nats, databaseURL: endpoints.databaseURL, redisURL: endpoints.redisURL, runnerURL: runnerURL,
                                  fixtureServerURL: "http://127.0.0.1:\(server.capture("port") ?? "0")", runnerKind: runnerKind, runnerBinary: runnerBinary)
        var info = stack.json.objectValue ?? [:]
        info["runner_version"] = .string(version)
        for (name, path) in companions {
            var version: JSONValue = .null
            if let path { version = (try? await CommandRunner.run(path, ["--version"], timeout: .seconds(10))).map { .string($0.stdout.trimmingCharacters(in: .whitespacesAndNewlines)) } ?? .null }
            info[name.replacingOccurrences(of: "-", with: "_")] = path.map { ["path": .string($0), "version": version] } ?? "not found"
        }
        try? Data((JSONWriter.pretty(.object(info)) + "\n").utf8).write(to: directory.artifacts.appendingPathComponent("stack.json"))
        log("stack up: runner \(runnerKind) (\(runnerBinary), \(version)) at \(runnerURL), fixture server at \(stack.fixtureServerURL)")
        return stack
    }
}
