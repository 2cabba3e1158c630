import Foundation
import GreenticSessions
import GreenticTestKit
import Logging
import ScenarioDSL
import Synchronization

/// The runner simulator's NATS surface: consumes ChannelMessageEnvelopes on
/// `greentic.messaging.ingress.{env}.>` and EventEnvelopes on the topics of the flows'
/// `events.source` nodes, runs the matching flow with `FlowEngine`, and publishes replies on the
/// egress subject and events on their topics, with `Greentic-Correlation-Id` and
/// `Greentic-Tenant` headers. A failing component is retried with exponential backoff and
/// jitter up to `maxAttempts` (each attempt in the attempt log); then the message goes to
/// `dlq.{tenant}.{stage}`. Every handled message is written to the effect log and its variables
/// to the state store (per tenant). A flow that reaches `session.wait` stores a session in the
/// session store (the fixture server's store, shared); the user's next message, or a resume
/// through the fixture server, continues it.
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
        /// The runner bindings; when set, flows naming an unbound provider or component are refused.
        package var bindings: RunnerBindings?
        public var bindingsPath = "bindings"
        /// Tenant secrets: `<dir>/<tenant>/secrets.json` (a JSON object of strings), read on use.
        public var secretsDirectory: URL?
        /// Every attempt, as JSON lines (see `AttemptLog`).
        public var attemptLog: URL?
        /// Where waiting flows are stored (share it with the fixture server to resume there).
        public var sessionStore: any SessionStore = MemorySessionStore()
        /// Where flow variables are kept per tenant.
        package var stateStore: any RunnerStateStore = MemoryRunnerStateStore()

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
        public var waiting = 0
        public var resumed = 0
    }

    public let options: Options
    package let effectLog: EffectLog
    package let attemptLog: AttemptLog
    /// The flows in use and the pack declaring each flow id.
    private let loadedFlows: Mutex<LoadedFlows>
    let nats: NATSClient
    let logger: Logger
    private let state: Mutex<(failures: [String: Int], latency: Duration?, stats: Stats, tasks: [Task<Void, Never>])>
    private let seen = Mutex(RecentIDs(capacity: 10_000))

    private init(options: Options, flows: LoadedFlows, nats: NATSClient, logger: Logger) {
        self.options = options
        self.loadedFlows = Mutex(flows)
        self.nats = nats
        self.logger = logger
        self.effectLog = EffectLog(url: options.effectLog)
        self.attemptLog = AttemptLog(url: options.attemptLog)
        self.state = Mutex((options.failures, options.latency, Stats(), []))
    }

    /// Loads the flows under the packs root, connects and subscribes.
    public static func start(_ options: Options, logger: Logger = Logger(label: "greentic.runner-sim")) async throws -> RunnerSimulator {
        let catalog = try loadCatalog(packsRoot: options.packsRoot)
        try check(catalog, options)
        let flows = catalog.flows
        let nats = try await NATSClient.connect(url: options.natsURL, name: "greentic-runner-sim")
        let sim = RunnerSimulator(options: options, flows: catalog, nats: nats, logger: logger)
        let ingress = try await nats.subscribe("greentic.messaging.ingress.\(FlowEngine.Scope.token(options.env)).>")
        var pumps = [sim.pump(ingress, kind: .message)]
        let topics = Set(flows.flatMap { $0.nodes.filter { $0.operatorName == "events.source" }.compactMap { $0.setting("topic") } })
        for topic in topics.sorted() { pumps.append(sim.pump(try await nats.subscribe(topic), kind: .event)) }
        try await nats.flush()
        sim.state.withLock { $0.tasks = pumps }
        logger.notice("runner-sim ready: \(flows.count) flow(s), sessions in \(options.sessionStore.backendName), state in \(options.stateStore.backendName), listening on greentic.messaging.ingress.\(options.env).> and \(topics.sorted().joined(separator: ", "))")
        return sim
    }

    /// An engine whose deploy renderer writes the plan of the pack declaring `flow` into the
    /// `/iac` folder (when one is configured).
    func engine(for flow: FlowDocument) -> FlowEngine {
        var engine = FlowEngine()
        if let dir = options.secretsDirectory {
            engine.secrets = { tenant, key in Self.secret(in: dir, tenant: tenant, key: key) }
        }
        guard let iac = options.iacDirectory, let pack = loadedFlows.withLock({ $0.packs[flow.id]?.directory }) else {
            return engine
        }
        engine.planWriter = { tenant, environment in
            let runtime = HostPlanRuntime(source: .inferred(packDirectory: pack.path, tenant: tenant, environment: environment))
            return try DeployPlanComponent.run(runtime: runtime, sandbox: IacSandbox(hostRoot: iac)).path
        }
        return engine
    }

    /// One secret of a tenant from `<dir>/<sanitised tenant>/secrets.json`.
    static func secret(in dir: URL, tenant: String, key: String) -> String? {
        let file = dir.appendingPathComponent(NameSanitizer.pathComponent(tenant, fallback: "tenant")).appendingPathComponent("secrets.json")
        guard let data = FileManager.default.contents(atPath: file.path) else { return nil }
        return (try? JSONValue.parse(data))?[key]?.stringValue
    }

    /// Every `.ygtc` flow declared by the packs' manifests (`flows[].file`), in pack order.
    package static func loadFlows(packsRoot: URL) throws -> [FlowDocument] {
        try loadCatalog(packsRoot: packsRoot).flows
    }

    /// Refuses flows that name a provider or component the bindings do not have.
    static func check(_ loaded: LoadedFlows, _ options: Options) throws {
        guard let bindings = options.bindings else { return }
        let problems = bindings.unbound(in: loaded.flows, packComponents: loaded.componentIDs)
        if !problems.isEmpty { throw BindingsError.unbound(path: options.bindingsPath, problems: problems) }
    }

    /// The packs under the root (read by `PackCatalog`, so a broken manifest is an error naming
    /// it, not a pack silently left out) and the flows they declare.
    static func loadCatalog(packsRoot: URL) throws -> LoadedFlows {
        let catalog = try PackCatalog.load(root: packsRoot)
        var flows: [FlowDocument] = []
        var packs: [String: PackCatalog.Pack] = [:]
        for pack in catalog.packs {
            for file in pack.flowFiles {
                let flow = try FlowDocument.load(path: file.path)
                flows.append(flow)
                packs[flow.id] = pack
            }
        }
        return LoadedFlows(flows: flows, packs: packs, componentIDs: Set(catalog.packs.flatMap(\.componentIDs)))
    }

    public var stats: Stats { state.withLock { $0.stats } }

    /// The flows in use (replaced by `reloadFlows()`).
    package var currentFlows: [FlowDocument] { loadedFlows.withLock { $0.flows } }

    /// Reloads the flows from the packs root; the previous ones stay on error.
    @discardableResult
    public func reloadFlows() throws -> Int {
        let fresh = try Self.loadCatalog(packsRoot: options.packsRoot)
        try Self.check(fresh, options)
        loadedFlows.withLock { $0 = fresh }
        return fresh.flows.count
    }

    /// Makes the next `count` attempts of a component fail (a fault knob).
    public func failNext(_ component: String, times count: Int) {
        state.withLock { $0.failures[component] = count }
    }

    /// Adds a delay before each message is handled (nil removes it; a fault knob).
    public func setLatency(_ latency: Duration?) {
        state.withLock { $0.latency = latency }
    }

    /// The pending injected failures per component.
    public var pendingFailures: [String: Int] { state.withLock { $0.failures.filter { $0.value > 0 } } }

    public func stop() async {
        let tasks = state.withLock { $0.tasks }
        tasks.forEach { $0.cancel() }
        await nats.close()
        await options.stateStore.close()
    }

    enum Input { case message, event }

    /// All attempts failed.
    struct ExhaustedAttempts: Error {
        var attempts: Int
        var lastError: String
    }

    /// The session key of a turn: the resumed session's, the envelope's `session_id`, the
    /// canonical `{tenant}:{platform}:conversation:{user}` for a known user, else the message id.
    static func sessionKey(envelope: JSONValue, scope: FlowEngine.Scope, user: String?, resuming: SessionRecord?, correlation: String) -> String {
        if let resuming { return resuming.key }
        if let id = envelope["session_id"]?.stringValue, !id.isEmpty { return id }
        if let user { return "\(scope.tenant):\(scope.platform):conversation:\(user)" }
        return envelope["id"]?.stringValue ?? correlation
    }

    /// Runs a flow with retries (exponential backoff with jitter, each attempt in the attempt
    /// log), then keeps its variables in the state store, stores or clears its session, records
    /// the effect log, the attempt and the stats, and only then publishes its replies and events
    /// (a reader that saw a reply finds the turn recorded). Throws `ExhaustedAttempts` when every
    /// attempt failed; nothing is published for a failed attempt.
    func execute(_ flow: FlowDocument, input envelope: JSONValue, scope: FlowEngine.Scope, correlation: String,
                 user: String? = nil, resuming: SessionRecord? = nil) async throws -> FlowEngine.Trace {
        let session = Self.sessionKey(envelope: envelope, scope: scope, user: user, resuming: resuming, correlation: correlation)
        let traceID = EffectLog.traceID(from: envelope.value(atPath: "tenant.trace_id")?.stringValue)
        let resume = resuming.map { FlowEngine.Resume(node: $0.nodeID ?? "", variables: $0.context.objectValue ?? [:]) }
        var attempt = 0
        var lastError = ""
        while attempt < options.maxAttempts {
            attempt += 1
            state.withLock { $0.stats.attempts += 1 }
            do {
                var trace = try engine(for: flow).run(flow, input: envelope, scope: scope, resume: resume) { [self] component in
                    state.withLock { s -> String? in
                        guard let left = s.failures[component], left > 0 else { return nil }
                        s.failures[component] = left - 1
                        return "injected failure (\(left - 1) more to come)"
                    }
                }
                if trace.variables["session_id"] == nil { trace.variables["session_id"] = .string(session) }
                try await persist(trace, flow: flow, scope: scope, session: session, user: user, resumed: resuming != nil)
                // Everything the turn did is recorded before its replies leave: whoever sees a
                // reply can read the effect log, the attempt log and the stats and find the turn.
                effectLog.record(tenant: scope.tenant, session: session, trace: traceID, payload: envelope)
                attemptLog.record(.init(trace: traceID, tenant: scope.tenant, session: session, flow: flow.id, attempt: attempt, outcome: "ok"))
                state.withLock {
                    $0.stats.handled += 1
                    if trace.waiting != nil { $0.stats.waiting += 1 }
                    if resuming != nil { $0.stats.resumed += 1 }
                }
                let headers: NATSHeaders = ["Greentic-Correlation-Id": correlation, "Greentic-Tenant": scope.tenant]
                for effect in trace.effects where effect.kind != .plan {
                    try? nats.publish(effect.subject, json: effect.payload, headers: headers)
                }
                return trace
            } catch {
                lastError = "\(error)"
                logger.info("attempt \(attempt) of \(flow.id) failed: \(error)")
                let delay = RetryPolicy(maxAttempts: options.maxAttempts, base: options.backoffBase).delay(after: attempt)
                attemptLog.record(.init(trace: traceID, tenant: scope.tenant, session: session, flow: flow.id, attempt: attempt,
                                        outcome: delay == nil ? "dead_lettered" : "failed", error: lastError,
                                        backoffMs: delay.map(\.fractionalMilliseconds)))
                if let delay { try? await Task.sleep(for: delay) }
            }
        }
        throw ExhaustedAttempts(attempts: attempt, lastError: lastError)
    }

    /// Keeps the turn's variables in the state store under
    /// `pack/<pack>/flow/<flow>/session/<session>`, and stores the session when the flow waits
    /// (or removes it when a resumed flow finished).
    func persist(_ trace: FlowEngine.Trace, flow: FlowDocument, scope: FlowEngine.Scope, session: String, user: String?, resumed: Bool) async throws {
        var variables = trace.variables
        variables["input"] = nil
        let pack = loadedFlows.withLock { $0.packs[flow.id]?.id } ?? "unknown"
        try await options.stateStore.put(RunnerStateKey(env: scope.env, tenant: scope.tenant, team: scope.team, key: "pack/\(pack)/flow/\(flow.id)/session/\(session)"),
                                         ["variables": .object(variables), "waiting_at": trace.waiting.map { .string($0.node) } ?? .null,
                                          "route": .array(trace.steps.map { .string($0.node) })])
        if let wait = trace.waiting {
            _ = try await options.sessionStore.upsert(SessionRecord(key: session, tenant: scope.tenant, team: scope.team, user: user,
                                                                    flowID: flow.id, nodeID: wait.node, context: .object(variables)))
        } else if resumed {
            _ = try await options.sessionStore.remove(tenant: scope.tenant, key: session)
        }
    }

    /// The flow for an inbound message: the user's waiting session's flow (resumed), else the
    /// first messaging flow.
    func ingressTarget(scope: FlowEngine.Scope, user: String?) async -> (FlowDocument?, SessionRecord?) {
        if let user, let record = try? await options.sessionStore.find(SessionFilter(tenant: scope.tenant, team: scope.team, user: user)),
           record.nodeID != nil, let flow = currentFlows.first(where: { $0.id == record.flowID }) {
            return (flow, record)
        }
        return (currentFlows.first { $0.type == "messaging" }, nil)
    }

    /// Whether an activity id was seen before (the last 10,000 are remembered); records it.
    func isDuplicate(activityID: String) -> Bool {
        seen.withLock { !$0.insert(activityID) }
    }

    private func pump(_ sub: NATSSubscription, kind: Input) -> Task<Void, Never> {
        Task { [self] in
            for await message in sub {
                await handle(message, kind: kind)
            }
        }
    }

    func handle(_ message: NATSMessage, kind: Input) async {
        if let latency = state.withLock({ $0.latency }) { try? await Task.sleep(for: latency) }
        guard let envelope = try? JSONValue.parse(message.payload) else {
            logger.warning("ignoring non-JSON message on \(message.subject)")
            return
        }
        let scope: FlowEngine.Scope
        var flow: FlowDocument?
        let stage: String
        var resuming: SessionRecord?
        let user = envelope.value(atPath: "from.id")?.stringValue ?? envelope.value(atPath: "tenant.user_id")?.stringValue
            ?? envelope["user_id"]?.stringValue
        switch kind {
        case .message:
            let tokens = message.subject.split(separator: ".").map(String.init)
            guard tokens.count == 7 else { return }
            scope = FlowEngine.Scope(env: tokens[3], tenant: tokens[4], team: tokens[5], platform: tokens[6])
            (flow, resuming) = await ingressTarget(scope: scope, user: user)
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
            _ = try await execute(flow, input: envelope, scope: scope, correlation: correlation, user: user, resuming: resuming)
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
        state.withLock { $0.stats.deadLettered += 1 }
        try? nats.publish("dlq.\(FlowEngine.Scope.token(scope.tenant)).\(stage)", json: record,
                                headers: ["Greentic-Correlation-Id": correlation, "Greentic-Tenant": scope.tenant])
    }
}
