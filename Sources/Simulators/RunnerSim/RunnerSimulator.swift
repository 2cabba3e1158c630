import Foundation
import GreenticTestKit
import Logging
import ScenarioDSL
import Synchronization

/// The runner simulator's NATS surface: consumes ChannelMessageEnvelopes on
/// `greentic.messaging.ingress.{env}.>` and EventEnvelopes on the topics of the flows'
/// `events.source` nodes, runs the matching flow with `FlowEngine`, and publishes replies on the
/// egress subject and events on their topics, with `Greentic-Correlation-Id` and
/// `Greentic-Tenant` headers. A failing component is retried with exponential backoff and
/// jitter up to `maxAttempts`; then the message goes to `dlq.{tenant}.{stage}`. Every handled
/// message is written to the effect log.
public final class RunnerSimulator: Sendable {
    /// How the simulator runs.
    public struct Options: Sendable {
        public var natsURL: String
        public var packsRoot: URL
        public var env = "dev"
        public var effectLog: URL?
        public var maxAttempts = 3
        public var backoffBase: Duration = .milliseconds(20)
        /// Component id → how many of its next attempts fail.
        public var failures: [String: Int] = [:]
        /// Extra delay before each message is handled.
        public var latency: Duration?
        /// Host folder mounted as `/iac` for `deploy.renderer` (plans are written there).
        public var iacDirectory: URL?

        public init(natsURL: String, packsRoot: URL) {
            self.natsURL = natsURL
            self.packsRoot = packsRoot
        }
    }

    /// Counters for tests and `/healthz`.
    public struct Stats: Sendable, Equatable {
        public var handled = 0
        public var attempts = 0
        public var deadLettered = 0
    }

    public let options: Options
    public let effectLog: EffectLog
    private let loadedFlows: Mutex<[FlowDocument]>
    let nats: NATSClient
    let logger: Logger
    private let state: Mutex<(failures: [String: Int], stats: Stats, tasks: [Task<Void, Never>])>

    private init(options: Options, flows: [FlowDocument], nats: NATSClient, logger: Logger) {
        self.options = options
        self.loadedFlows = Mutex(flows)
        self.nats = nats
        self.logger = logger
        self.effectLog = EffectLog(url: options.effectLog)
        self.state = Mutex((options.failures, Stats(), []))
    }

    /// Loads the flows under the packs root, connects and subscribes.
    public static func start(_ options: Options, logger: Logger = Logger(label: "greentic.runner-sim")) async throws -> RunnerSimulator {
        let flows = try loadFlows(packsRoot: options.packsRoot)
        let nats = try await NATSClient.connect(url: options.natsURL, name: "greentic-runner-sim")
        let sim = RunnerSimulator(options: options, flows: flows, nats: nats, logger: logger)
        let ingress = try await nats.subscribe("greentic.messaging.ingress.\(FlowEngine.Scope.token(options.env)).>")
        var pumps = [sim.pump(ingress, kind: .message)]
        let topics = Set(flows.flatMap { $0.nodes.filter { $0.operatorName == "events.source" }.compactMap { $0.setting("topic") } })
        for topic in topics.sorted() { pumps.append(sim.pump(try await nats.subscribe(topic), kind: .event)) }
        try await nats.flush()
        sim.state.withLock { $0.tasks = pumps }
        logger.notice("runner-sim ready: \(flows.count) flow(s), listening on greentic.messaging.ingress.\(options.env).> and \(topics.sorted().joined(separator: ", "))")
        return sim
    }

    /// An engine whose deploy renderer writes the plan of the pack declaring `flow` into the
    /// `/iac` folder (when one is configured).
    func engine(for flow: FlowDocument) -> FlowEngine {
        guard let iac = options.iacDirectory, let pack = Self.packDirectory(declaring: flow.id, packsRoot: options.packsRoot) else {
            return FlowEngine()
        }
        return FlowEngine { tenant, environment in
            let runtime = HostPlanRuntime(source: .inferred(packDirectory: pack.path, tenant: tenant, environment: environment))
            return try DeployPlanComponent.run(runtime: runtime, sandbox: IacSandbox(hostRoot: iac)).path
        }
    }

    /// The pack folder whose manifest lists a flow with this id.
    static func packDirectory(declaring flowID: String, packsRoot: URL) -> URL? {
        let children = ((try? FileManager.default.contentsOfDirectory(atPath: packsRoot.path)) ?? []).sorted()
        for child in children {
            let dir = packsRoot.appendingPathComponent(child)
            guard let data = FileManager.default.contents(atPath: dir.appendingPathComponent("pack.json").path),
                  let manifest = try? JSONValue.parse(data) else { continue }
            if manifest["flows"]?.arrayValue?.contains(where: { $0["id"]?.stringValue == flowID }) == true { return dir }
        }
        return nil
    }

    /// Every `.ygtc` flow declared by the packs' manifests (`flows[].file`), in pack order.
    public static func loadFlows(packsRoot: URL) throws -> [FlowDocument] {
        let children = ((try? FileManager.default.contentsOfDirectory(atPath: packsRoot.path)) ?? []).sorted()
        var flows: [FlowDocument] = []
        for child in children {
            let dir = packsRoot.appendingPathComponent(child)
            guard let data = FileManager.default.contents(atPath: dir.appendingPathComponent("pack.json").path),
                  let manifest = try? JSONValue.parse(data) else { continue }
            for entry in manifest["flows"]?.arrayValue ?? [] {
                guard let file = entry["file"]?.stringValue else { continue }
                flows.append(try FlowDocument.load(path: dir.appendingPathComponent(file).standardizedFileURL.path))
            }
        }
        return flows
    }

    public var stats: Stats { state.withLock { $0.stats } }

    /// The flows in use (replaced by `reloadFlows()`).
    public var currentFlows: [FlowDocument] { loadedFlows.withLock { $0 } }

    /// Reloads the flows from the packs root; the previous ones stay on error.
    @discardableResult
    public func reloadFlows() throws -> Int {
        let fresh = try Self.loadFlows(packsRoot: options.packsRoot)
        loadedFlows.withLock { $0 = fresh }
        return fresh.count
    }

    /// Makes the next `count` attempts of a component fail (a fault knob).
    public func failNext(_ component: String, times count: Int) {
        state.withLock { $0.failures[component] = count }
    }

    public func stop() async {
        let tasks = state.withLock { $0.tasks }
        tasks.forEach { $0.cancel() }
        await nats.close()
    }

    enum Input { case message, event }

    /// All attempts failed.
    struct ExhaustedAttempts: Error {
        var attempts: Int
        var lastError: String
    }

    /// Runs a flow with retries (exponential backoff with jitter), publishes its replies and
    /// events, and records the effect log. Throws `ExhaustedAttempts` when every attempt failed.
    func execute(_ flow: FlowDocument, input envelope: JSONValue, scope: FlowEngine.Scope, correlation: String) async throws -> FlowEngine.Trace {
        var attempt = 0
        var lastError = ""
        while attempt < options.maxAttempts {
            attempt += 1
            state.withLock { $0.stats.attempts += 1 }
            do {
                let trace = try engine(for: flow).run(flow, input: envelope, scope: scope) { [self] component in
                    state.withLock { s -> String? in
                        guard let left = s.failures[component], left > 0 else { return nil }
                        s.failures[component] = left - 1
                        return "injected failure (\(left - 1) more to come)"
                    }
                }
                let headers: NATSHeaders = ["Greentic-Correlation-Id": correlation, "Greentic-Tenant": scope.tenant]
                for effect in trace.effects where effect.kind != .plan {
                    try? await nats.publish(effect.subject, json: effect.payload, headers: headers)
                }
                let session = envelope["session_id"]?.stringValue ?? envelope["id"]?.stringValue ?? correlation
                effectLog.record(tenant: scope.tenant, session: session,
                                 trace: EffectLog.traceID(from: envelope.value(atPath: "tenant.trace_id")?.stringValue), payload: envelope)
                state.withLock { $0.stats.handled += 1 }
                return trace
            } catch {
                lastError = "\(error)"
                logger.info("attempt \(attempt) of \(flow.id) failed: \(error)")
                if attempt < options.maxAttempts {
                    let base = options.backoffBase * (1 << (attempt - 1))
                    let jitter = Duration.microseconds(Int64.random(in: 0...Int64(base.components.attoseconds / 4_000_000_000_000 + 1)))
                    try? await Task.sleep(for: base + jitter)
                }
            }
        }
        throw ExhaustedAttempts(attempts: attempt, lastError: lastError)
    }

    private func pump(_ sub: NATSSubscription, kind: Input) -> Task<Void, Never> {
        Task { [self] in
            for await message in sub {
                await handle(message, kind: kind)
            }
        }
    }

    func handle(_ message: NATSMessage, kind: Input) async {
        if let latency = options.latency { try? await Task.sleep(for: latency) }
        guard let envelope = try? JSONValue.parse(message.payload) else {
            logger.warning("ignoring non-JSON message on \(message.subject)")
            return
        }
        let scope: FlowEngine.Scope
        let flow: FlowDocument?
        let stage: String
        switch kind {
        case .message:
            let tokens = message.subject.split(separator: ".").map(String.init)
            guard tokens.count == 7 else { return }
            scope = FlowEngine.Scope(env: tokens[3], tenant: tokens[4], team: tokens[5], platform: tokens[6])
            flow = currentFlows.first { $0.type == "messaging" }
            stage = "ingress"
        case .event:
            let tenant = envelope.value(atPath: "tenant.tenant_id")?.stringValue ?? envelope.value(atPath: "tenant.tenant")?.stringValue ?? "unknown"
            scope = FlowEngine.Scope(env: options.env, tenant: tenant, team: envelope.value(atPath: "tenant.team_id")?.stringValue)
            flow = currentFlows.first { f in f.nodes.contains { $0.operatorName == "events.source" && $0.setting("topic") == message.subject } }
            stage = "events"
        }
        guard let flow else { return }
        var attemptsMade = 0
        var lastError = ""
        let correlation = message.headers?["Greentic-Correlation-Id"] ?? envelope["correlation_id"]?.stringValue
            ?? envelope.value(atPath: "tenant.correlation_id")?.stringValue ?? envelope["id"]?.stringValue ?? "none"
        do {
            _ = try await execute(flow, input: envelope, scope: scope, correlation: correlation)
            return
        } catch let failure as ExhaustedAttempts {
            attemptsMade = failure.attempts
            lastError = failure.lastError
        } catch {
            lastError = "\(error)"
        }
        let attempt = attemptsMade
        let record: JSONValue = [
            "tenant": .string(scope.tenant), "stage": .string(stage), "platform": .string(scope.platform),
            "msg_id": envelope["id"] ?? .null, "retries": .number(Double(attempt)),
            "ts": .number((Date().timeIntervalSince1970 * 1000).rounded()),
            "error": ["code": "component_failed", "message": .string(lastError), "stage": .string(stage)],
            "envelope": envelope,
        ]
        try? await nats.publish("dlq.\(FlowEngine.Scope.token(scope.tenant)).\(stage)", json: record,
                                headers: ["Greentic-Correlation-Id": correlation, "Greentic-Tenant": scope.tenant])
        state.withLock { $0.stats.deadLettered += 1 }
    }
}
