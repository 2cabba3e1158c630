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
/// `dlq.{tenant}.{stage}` (event topics and dead letters go behind `Options.topicPrefix`). Every
/// handled message is written to the effect log and its variables to the state store (per tenant). A flow that reaches `session.wait` stores a session in the
/// session store (the fixture server's store, shared); the user's next message, or a resume
/// through the fixture server, continues it.
public final class RunnerSimulator: Sendable {
    public let options: Options
    package let effectLog: EffectLog
    package let attemptLog: AttemptLog
    /// The flows in use and the pack declaring each flow id.
    let loadedFlows: Mutex<LoadedFlows>
    let nats: NATSClient
    let logger: Logger
    let state: Mutex<(failures: [String: Int], latency: Duration?, stats: Stats, tasks: [Task<Void, Never>])>
    let seen = Mutex(RecentIDs(capacity: 10_000))

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
        var options = options
        options.topicPrefix = try TopicPrefix.normalized(options.topicPrefix)
        let catalog = try loadCatalog(packsRoot: options.packsRoot)
        try check(catalog, options)
        let flows = catalog.flows
        let nats = try await NATSClient.connect(url: options.natsURL, name: "greentic-runner-sim")
        let sim = RunnerSimulator(options: options, flows: catalog, nats: nats, logger: logger)
        let ingress = try await nats.subscribe("greentic.messaging.ingress.\(FlowEngine.Scope.token(options.env)).>")
        var pumps = [sim.pump(ingress, kind: .message)]
        let topics = Set(flows.flatMap { $0.nodes.filter { $0.operatorName == "events.source" }.compactMap { $0.setting("topic") } })
            .map { options.topicPrefix + $0 }
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
            engine.secrets = { tenant, key in TenantSecrets(directory: dir).secret(tenant: tenant, key: key) }
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

}
