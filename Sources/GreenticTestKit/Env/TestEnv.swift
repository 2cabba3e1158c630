import CProcessSpawn
import Foundation
import Synchronization

/// One test's environment: its folder, infrastructure, services, timeline and tenancy helpers.
///
/// ```swift
/// try await TestEnv.with(name: "tenant_isolation", infra: [.nats, .postgres]) { env in
///     let svc = try await env.start(ServiceSpec(name: "echo", executable: "my-service"))
/// }
/// ```
/// Everything started is stopped when the body returns. The folder is deleted on success
/// (unless `E2E_KEEP=1`) and kept on failure, with its path in the error.
public final class TestEnv: Sendable {
    /// The environment of the current task, set by `with` (and the Swift Testing trait).
    @TaskLocal public static var current: TestEnv?

    public let name: String
    public let directory: TestDirectory
    public let timeline: Timeline
    public let options: TestEnvOptions
    /// A NATS subject prefix unique to this test (`e2e.<name>.<random>`), so parallel tests can
    /// share one server without crosstalk.
    public let subjectPrefix: String
    /// The `{env}` token of this test's Greentic subjects (`e2e-<random>`): the stack's runner
    /// listens on `greentic.messaging.ingress.<greenticEnv>.>` and answers on the matching egress
    /// subjects, so suites sharing one NATS keep the real subject shape and never see each
    /// other's traffic. `${greentic_env}` in a scenario.
    public let greenticEnv: String
    /// The random part of this test's names on shared infrastructure.
    let scopeToken: String
    /// Private folder (mode 0700, outside the artifacts) holding secrets files; always removed.
    public let secretsDirectory: URL
    /// The seed of the test's random choices (`options.seed`).
    public var seed: UInt64 { options.seed }

    struct State {
        var services: [ServiceProcess] = []
        var leases: [InfraLease] = []
        var endpoints = InfraEndpoints()
        var secretValues: Set<String> = []
        var teardowns: [@Sendable () async -> Void] = []
        var fingerprint: JSONValue?
        var tracked: [TrackedResource] = []
    }
    let state = Mutex(State())
    let reaper: Reaper
    /// Put in every service's environment (`GREENTIC_TESTENV_ID`) so processes it leaves behind
    /// can be found after teardown.
    let processMarker: String
    /// The secret values the timeline redacts (the same set as `State.secretValues`).
    let timelineSecrets: SecretValues

    /// Secret values shared with the timeline's redaction.
    final class SecretValues: Sendable {
        let values = Mutex<Set<String>>([])
    }

    init(name: String, directory: TestDirectory, options: TestEnvOptions) throws {
        self.name = name
        self.directory = directory
        self.options = options
        let hidden = SecretValues()
        self.timeline = try Timeline(url: directory.timelineFile,
                                     evidence: EvidencePolicy.from(environment: options.environment, secretValues: { hidden.values.withLock { $0 } }))
        self.timelineSecrets = hidden
        let token = String(UInt64.random(in: 0...UInt64.max), radix: 36)
        self.subjectPrefix = "e2e.\(directory.name.replacingOccurrences(of: ".", with: "_")).\(token.prefix(6))"
        self.scopeToken = String(token.prefix(6))
        self.greenticEnv = "e2e-\(token.prefix(6))"
        let secrets = URL(fileURLWithPath: NSTemporaryDirectory()).appendingPathComponent("greentic-secrets-\(getpid())-\(token)")
        try FileManager.default.createDirectory(at: secrets, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        self.secretsDirectory = secrets
        self.processMarker = "\(directory.name).\(token)"
        self.reaper = ProcessRegistry.shared.reaper(for: options.artifactsBase)
        try? reaper.registerCleanup(secrets.path)
    }

    /// Runs `body` in a fresh environment with the requested infrastructure.
    public static func with<T: Sendable>(
        name: String? = nil,
        infra: Set<InfraKind> = [],
        options: TestEnvOptions = TestEnvOptions(),
        _ body: @Sendable (TestEnv) async throws -> T
    ) async throws -> T {
        if let text = options.environment["E2E_SEED"], !text.trimmingCharacters(in: .whitespaces).isEmpty,
           TestEnvOptions.parseSeed(text) == nil {
            throw TestEnvError.invalidConfiguration("E2E_SEED='\(text)' is not a seed: give a decimal number or 0x followed by hexadecimal digits")
        }
        let testName = resolveName(name, environment: options.environment)
        let directory = try TestDirectory.create(name: testName, base: options.artifactsBase)
        let env = try TestEnv(name: testName, directory: directory, options: options)
        env.log("environment \(directory.name) created at \(directory.root.path)")
        env.timeline.append(kind: "env", source: "harness", data: ["event": "created", "name": .string(testName), "seed": .string(String(options.seed))])
        var outcome: Result<T, any Error>
        do {
            let fingerprint = await RunFingerprint.current(environment: options.environment)
            env.state.withLock { $0.fingerprint = fingerprint }
            try await env.provision(infra.sorted())
            env.refreshSnapshot()
            let value = try await TestEnv.$current.withValue(env) { try await body(env) }
            outcome = .success(value)
        } catch {
            outcome = .failure(error)
        }
        let leaks = await env.teardown()
        let strict = StrictMode.isStrict(options.environment)
        if !leaks.isEmpty {
            let summary = ResourceLeak.summary(leaks, test: testName)
            env.log(summary)
            HarnessLogger.shared.warning("\(summary)")
            if !strict { options.leaksObserved?(leaks) }
        }
        if case .success = outcome, strict, !leaks.isEmpty { outcome = .failure(TestEnvError.leaked(leaks)) }
        let failed: Bool
        if case .failure = outcome { failed = true } else { failed = options.failureObserved?() ?? false }
        env.timeline.append(kind: "env", source: "harness", data: ["event": "finished", "failed": .bool(failed)])
        env.timeline.close()
        if failed {
            do { try TimelinePage.write(timeline: env.timeline.url, title: testName) } catch {
                env.log("could not write timeline.html: \(error)")
            }
        }
        switch outcome {
        case .success(let value):
            if failed {
                HarnessLogger.shared.error("\(testName) failed; artifacts kept at \(directory.root.path)")
            } else if !options.keepOnSuccess {
                directory.remove()
            }
            return value
        case .failure(let error):
            if case .prerequisiteMissing = error as? TestEnvError {
                if !options.keepOnSuccess { directory.remove() }
                throw error
            }
            HarnessLogger.shared.error("\(testName) failed; artifacts kept at \(directory.root.path)")
            throw TestEnvError.failed(test: testName, underlying: error, artifacts: directory.root.path, evidence: env.evidence())
        }
    }

    static func resolveName(_ name: String?, environment: [String: String]) -> String {
        if let name, !name.isEmpty { return name }
        if let fromEnv = environment["E2E_TEST_NAME"], !fromEnv.isEmpty { return fromEnv }
        return "e2e-\(Int(Date().timeIntervalSince1970 * 1000))"
    }

    // MARK: Infrastructure

    public var endpoints: InfraEndpoints { state.withLock { $0.endpoints } }

    /// The NATS URL (for `.natsCluster`, the nodes' URLs separated by commas, which
    /// `NATSClient.connect(url:)` takes as its server list); throws when NATS was not requested.
    public func natsURL() throws -> String { try endpoint(.nats) }
    /// The per-test Postgres database URL; throws when Postgres was not requested.
    public func databaseURL() throws -> String { try endpoint(.postgres) }
    /// The Redis URL; throws when Redis was not requested.
    public func redisURL() throws -> String { try endpoint(.redis) }

    func endpoint(_ kind: InfraKind) throws -> String {
        guard let url = endpoints.url(for: kind) else { throw TestEnvError.infraNotRequested(kind) }
        return url
    }

    /// The kinds to provision: a NATS cluster stands for `.nats` too; two cluster sizes are an error.
    package static func normalized(_ kinds: [InfraKind]) throws -> [InfraKind] {
        let clusters = Set(kinds.filter(\.isCluster))
        guard clusters.count <= 1 else {
            throw TestEnvError.invalidConfiguration("ask for one NATS cluster, not \(clusters.map(\.rawValue).sorted().joined(separator: " and "))")
        }
        var seen = Set<InfraKind>()
        return kinds.filter { kind in
            if !clusters.isEmpty && kind == .nats { return false }
            return seen.insert(kind).inserted
        }
    }

    func provision(_ requested: [InfraKind]) async throws {
        guard !requested.isEmpty else { return }
        let kinds = try Self.normalized(requested)
        let started = ContinuousClock.now
        let backend: any InfraBackend
        if let override = options.backendOverride {
            backend = override
        } else {
            backend = try await options.infraSelection.backend(for: kinds, environment: options.environment)
        }
        let lease = try await backend.provision(kinds, for: self)
        state.withLock {
            $0.leases.append(lease)
            $0.endpoints = lease.endpoints
        }
        let elapsed = ContinuousClock.now - started
        log("infra \(kinds.map(\.rawValue).joined(separator: ",")) ready via \(backend.name) in \(elapsed)")
        timeline.append(kind: "env", source: "infra", data: [
            "event": "ready", "backend": .string(backend.name),
            "kinds": .array(kinds.map { .string($0.rawValue) }),
        ])
    }

    // MARK: Services

    /// Starts a service and waits until its readiness holds. Its output goes to
    /// `logs/<name>.log` and, line by line as it is read, to the timeline; it is stopped when
    /// the environment ends. A start that fails (exit, timeout) is a timeline event with the
    /// exit status and the log's last lines, and a line in `logs/harness.log`.
    @discardableResult
    public func start(_ spec: ServiceSpec) async throws -> ServiceProcess {
        let name = NameSanitizer.pathComponent(spec.name, fallback: "service")
        let duplicate = state.withLock { s in s.services.contains { $0.name == name && $0.isRunning } }
        if duplicate { throw ServiceError.duplicateName(name) }
        let logURL = directory.logs.appendingPathComponent("\(name).log")
        var environment = spec.inheritEnvironment ? options.environment : [:]
        environment.merge(spec.environment) { _, new in new }
        environment[ProcessLeakScan.variable] = processMarker
        timeline.append(kind: "service", source: name, data: ["event": "starting", "executable": .string(spec.executable),
                                                               "readiness": .string(spec.readiness.description)])
        let started = ContinuousClock.now
        let timeline = self.timeline
        let process: ServiceProcess
        do {
            process = try await ServiceLauncher.launch(spec, name: name, environment: environment, logURL: logURL, reaper: reaper,
                                                       timeline: timeline)
        } catch {
            var data: [String: JSONValue] = ["event": "failed", "error": .string("\(error)")]
            if let service = error as? ServiceError {
                if let status = service.exitStatus { data["status"] = .string(status.description) }
                if let tail = service.logTail { data["log_tail"] = .string(tail) }
            }
            timeline.append(kind: "service", source: name, data: .object(data))
            log("service \(name) failed to start after \(ContinuousClock.now - started): \(error)")
            throw error
        }
        state.withLock { $0.services.append(process) }
        let elapsed = ContinuousClock.now - started
        log("service \(name) ready (pid \(process.pid)) in \(elapsed)")
        var captures: [String: JSONValue] = [:]
        for (k, v) in process.captures { captures[k] = .string(v) }
        timeline.append(kind: "service", source: name, data: [
            "event": "ready", "pid": .number(Double(process.pid)), "captures": .object(captures),
        ])
        return process
    }

    /// Stops a service now (SIGTERM, grace, SIGKILL of its group); its last output lines are in
    /// the timeline before the `stopped` event.
    @discardableResult
    public func stop(_ service: ServiceProcess) async -> ExitStatus {
        let status = await service.stop()
        reaper.unregister(pgid: service.pid, leaderStartTime: service.startTime)
        await service.output.finish()
        timeline.append(kind: "service", source: service.name, data: ["event": "stopped", "status": .string(status.description)])
        return status
    }

    /// Services started in this environment, in start order.
    public var services: [ServiceProcess] { state.withLock { $0.services } }

    // MARK: Logging and evidence

    /// Appends a line to `logs/harness.log` (and the timeline).
    public func log(_ message: String) {
        let line = "[\(Int(Date().timeIntervalSince1970 * 1000))] \(message)\n"
        Self.appendLine(line, to: directory.harnessLog)
        HarnessLogger.shared.debug("\(name): \(message)")
    }

    /// Copies a file to `<artifacts base>/kept/<test folder name>/`, which outlives the test
    /// folder (removed after a passing test), and returns the copy's path. For outputs a person
    /// looks at even when the test passed, such as screenshots.
    @discardableResult
    public func keep(_ file: URL) throws -> URL {
        let folder = options.artifactsBase.appendingPathComponent("kept").appendingPathComponent(directory.name)
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let copy = folder.appendingPathComponent(file.lastPathComponent)
        try? FileManager.default.removeItem(at: copy)
        try FileManager.default.copyItem(at: file, to: copy)
        log("kept \(file.lastPathComponent) at \(copy.path)")
        return copy
    }

    /// Appends text to a file with `O_APPEND` (safe with concurrent writers).
    static func appendLine(_ text: String, to url: URL) {
        let fd = open(url.path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0o644)
        guard fd >= 0 else { return }
        defer { close(fd) }
        _ = text.utf8CString.withUnsafeBufferPointer { write(fd, $0.baseAddress, $0.count - 1) }
    }

    /// The timeline's and each service log's last lines, for failure messages.
    public func evidence(lines: Int = 15) -> String {
        var parts: [String] = []
        for service in services {
            parts.append("--- \(service.name) (\(service.logURL.path)) ---\n\(service.logTail(lines: lines))")
        }
        parts.append("--- timeline (\(timeline.url.path)) ---\n\(timeline.tail(lines: lines))")
        return parts.joined(separator: "\n")
    }

    /// `base` made unique to this test, for names on shared infrastructure that admit no dots
    /// (JetStream streams and consumers, database objects): `ORDERS` → `ORDERS_<random>`.
    public func scopedName(_ base: String) -> String {
        "\(base)_\(scopeToken)"
    }

    /// Rewrites `env.json` (redacted) with the current endpoints and environment.
    public func refreshSnapshot() {
        let endpoints = self.endpoints
        var snapshot: [String: JSONValue] = [
            "name": .string(name),
            "folder": .string(directory.name),
            "root": .string(directory.root.path),
            "subject_prefix": .string(subjectPrefix),
            "greentic_env": .string(greenticEnv),
            "seed": .string(String(options.seed)),
            "pid": .number(Double(getpid())),
            "timestamp_ms": .number((Date().timeIntervalSince1970 * 1000).rounded()),
            "backend": .string(endpoints.backend),
        ]
        for kind in InfraKind.allCases {
            snapshot["\(kind.rawValue)_url"] = endpoints.url(for: kind).map { .string(EnvironmentSnapshot.redactURL($0)) } ?? .null
        }
        let (secrets, fingerprint) = state.withLock { ($0.secretValues, $0.fingerprint) }
        if var fingerprint = fingerprint?.objectValue {
            fingerprint["infra_backend"] = .string(endpoints.backend)
            snapshot["fingerprint"] = .object(fingerprint)
        }
        snapshot["environment"] = EnvironmentSnapshot.relevantEnvironment(options.environment, secrets: secrets)
        try? Data((JSONWriter.pretty(.object(snapshot)) + "\n").utf8).write(to: directory.envFile, options: .atomic)
    }

    func rememberSecret(_ value: String) {
        state.withLock { _ = $0.secretValues.insert(value) }
        timelineSecrets.values.withLock { _ = $0.insert(value) }
    }

    /// Registers work to run when the environment ends, before its services stop (last added
    /// runs first). For things started in-process, such as an in-process fixture server.
    public func addTeardown(_ body: @escaping @Sendable () async -> Void) {
        state.withLock { $0.teardowns.append(body) }
    }

    /// Registers a resource the environment checks for when the test's scope ends.
    package func track(_ resource: TrackedResource) {
        state.withLock { s in
            if let key = resource.key, s.tracked.contains(where: { $0.key == key }) { return }
            s.tracked.append(resource)
        }
    }

    /// Runs the teardown hooks, stops the services, gives the infrastructure back, and returns
    /// what the test left behind (each already reclaimed).
    func teardown() async -> [ResourceLeak] {
        let hooks = state.withLock { $0.teardowns }
        for hook in hooks.reversed() { await hook() }
        var leaks = await checkTracked(at: .bodyEnded)
        let (services, leases) = state.withLock { ($0.services, $0.leases) }
        for service in services.reversed() {
            await stop(service)
        }
        for lease in leases.reversed() {
            await lease.release()
        }
        leaks += await checkTracked(at: .infraReleased)
        leaks += await reclaimLeakedProcesses(groups: Set(services.map(\.pid)), grace: services.map(\.spec.stopGrace).max() ?? .seconds(5))
        refreshSnapshot()
        try? FileManager.default.removeItem(at: secretsDirectory)
        reaper.unregisterCleanup(secretsDirectory.path)
        log("environment torn down")
        return leaks
    }

    private func checkTracked(at point: TrackedResource.CheckPoint) async -> [ResourceLeak] {
        let resources = state.withLock { $0.tracked.filter { $0.point == point } }
        var leaks: [ResourceLeak] = []
        for resource in resources where await resource.stillHeld() {
            let leak = ResourceLeak(kind: resource.kind, detail: resource.detail)
            leaks.append(leak)
            timeline.append(kind: "env", source: "harness", data: ["event": "leak", "leak": .string(leak.description)])
            await resource.reclaim()
        }
        return leaks
    }

    /// Kills the processes that carry this environment's marker and outlived its services. One
    /// that left its service's group gets the services' stop grace to end by itself once the
    /// service is gone (as Chromium's crash handler does); one still running after it is a leak.
    private func reclaimLeakedProcesses(groups: Set<pid_t>, grace: Duration) async -> [ResourceLeak] {
        let found = ProcessLeakScan.survivors(marker: processMarker, excludingGroups: groups)
        let alive = Set(await ProcessLeakScan.awaitExit(found.map(\.pid), timeout: grace))
        return found.filter { alive.contains($0.pid) }.map { survivor in
            kill(survivor.pid, SIGKILL)
            let leak = ResourceLeak(kind: .process, detail: "\(survivor.pid) (\(survivor.command)), outside its service's process group")
            timeline.append(kind: "env", source: "harness", data: ["event": "leak", "leak": .string(leak.description)])
            return leak
        }
    }
}
