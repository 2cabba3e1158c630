import ArgumentParser
import Foundation
import GreenticFixtureServer
import GreenticSessions
import GreenticTestKit
import Simulators

/// `greentic-integration runner-sim`: runs the runner simulator until interrupted.
struct RunnerSimCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: KitCommandContract.RunnerSim.command, abstract: "Run the flow-executing runner simulator on NATS.",
        discussion: """
        Executes the packs' .ygtc flows for messages on greentic.messaging.ingress.<env>.> and for
        events on the flows' source topics; replies go to the matching egress subject, events to
        their topics, failures (after --max-attempts with exponential backoff) to
        dlq.<tenant>.<stage> (event topics and dead letters behind --topic-prefix when given). Every
        attempt goes to --attempt-log. A flow reaching session.wait stores
        a session in --sessions (give it the fixture server's store so POST /sessions/resume continues
        it); each turn's variables go to --state, per tenant. Logs "runner-sim ready" on stderr when
        listening; stops on SIGINT or SIGTERM.
        """
    )
    typealias Flag = KitCommandContract.RunnerSim.Flag

    @Option(name: .customLong(Flag.nats.rawValue), help: "NATS URL, or a cluster's URLs separated by commas (the next one is used when a connection is lost).") var nats: String
    @Option(name: .customLong(Flag.packs.rawValue), help: "Packs root.") var packs = "Packs"
    @Option(name: .customLong(Flag.env.rawValue), help: "Environment token of the subjects (greentic.messaging.ingress.<env>.>).") var env = "dev"
    @Option(name: .customLong(Flag.topicPrefix.rawValue),
            help: "Put this before the event topics and dlq.<tenant>.<stage> (e.g. 'e2e-1a2b3c.'), so suites sharing one NATS stay apart.")
    var topicPrefix = ""
    @Option(name: .customLong(Flag.effectLog.rawValue), help: "Write the effect log (JSONL) here.") var effectLog: String?
    @Option(name: .customLong("fail"), help: "COMPONENT=N: the component's first N attempts fail (repeatable).") var failures: [String] = []
    @Option(name: .customLong("max-attempts"), help: "Attempts per message before the dead-letter subject.") var maxAttempts = 3
    @Option(name: .customLong("backoff-ms"), help: "Base of the exponential backoff between attempts.") var backoffMs = 20
    @Option(name: .customLong("latency-ms"), help: "Delay before handling each message.") var latencyMs: Int?
    @Option(name: .customLong(Flag.iacDir.rawValue), help: "Folder mounted as /iac for deploy.renderer (plan.json is written there).") var iacDir: String?
    @Option(name: .customLong(Flag.listen.rawValue), help: "HTTP listen address IP:port for /healthz, /runner/*, /webchat/activities (port 0 picks one).") var listen: String?
    @Option(name: .customLong(Flag.attemptLog.rawValue), help: "Write every attempt (JSONL) here.") var attemptLog: String?
    @Option(name: .customLong(Flag.bindings.rawValue), help: "Runner bindings (YAML: tenant, providers, bridges, workers); flows naming anything unbound are refused.") var bindings: String?
    @Option(name: .customLong(Flag.secretsDir.rawValue), help: "Tenant secrets: DIR/<tenant>/secrets.json (a JSON object), read on use.") var secretsDir: String?
    @Option(name: .customLong(Flag.sessions.rawValue), help: "Session store: memory, file:PATH (the fixture server's journal) or redis://HOST:PORT[/DB].") var sessions = "memory"
    @Option(name: .customLong(Flag.sessionsRedisPrefix.rawValue), help: "Redis hash of the sessions (the fixture server's stores.session.redis_prefix).") var sessionsRedisPrefix: String?
    @Option(name: .customLong(Flag.state.rawValue), help: "State store: memory, redis://HOST:PORT[/DB] or postgres://USER@HOST:PORT/DB.") var state = "memory"

    func run() async throws {
        let logger = CLILogging.logger("greentic.runner-sim")
        var options = RunnerSimulator.Options(natsURL: nats, packsRoot: URL(fileURLWithPath: packs))
        options.env = env
        do { options.topicPrefix = try TopicPrefix.normalized(topicPrefix) } catch { throw CLIError(message: "\(error)") }
        options.effectLog = effectLog.map { URL(fileURLWithPath: $0) }
        options.maxAttempts = max(1, maxAttempts)
        options.backoffBase = .milliseconds(backoffMs)
        options.latency = latencyMs.map { .milliseconds($0) }
        options.iacDirectory = iacDir.map { URL(fileURLWithPath: $0) }
        options.attemptLog = attemptLog.map { URL(fileURLWithPath: $0) }
        options.secretsDirectory = secretsDir.map { URL(fileURLWithPath: $0) }
        if let bindings {
            do { options.bindings = try RunnerBindings.load(path: bindings) } catch { throw CLIError(message: "\(error)") }
            options.bindingsPath = bindings
        }
        do {
            if sessions == "memory" {
                options.sessionStore = MemorySessionStore()
            } else if sessions.hasPrefix("file:") {
                options.sessionStore = try FileSessionStore(path: String(sessions.dropFirst(5)))
            } else if sessions.hasPrefix("redis://") {
                options.sessionStore = try RedisSessionStore(url: sessions, prefix: sessionsRedisPrefix)
            } else {
                throw ValidationError("--sessions takes memory, file:PATH or redis://HOST:PORT, got '\(EnvironmentSnapshot.redactURL(sessions))'")
            }
            options.stateStore = try RunnerStateStores.make(state)
        } catch let error as ValidationError {
            throw error
        } catch {
            throw CLIError(message: "\(error)")
        }
        for failure in failures {
            let parts = failure.split(separator: "=", maxSplits: 1)
            guard parts.count == 2, let n = Int(parts[1]), n >= 0 else { throw ValidationError("--fail takes COMPONENT=N, got '\(failure)'") }
            options.failures[String(parts[0])] = n
        }
        let sim: RunnerSimulator
        do { sim = try await RunnerSimulator.start(options, logger: logger) } catch { throw CLIError(message: "\(error)") }
        var http: Task<Void, any Error>?
        if let listen {
            guard let colon = listen.lastIndex(of: ":"), let port = Int(listen[listen.index(after: colon)...]) else {
                throw ValidationError("--listen takes IP:port, got '\(listen)'")
            }
            let host = String(listen[..<colon])
            http = Task {
                try await RunnerSimulatorHTTP.serve(sim, host: host, port: port, logger: logger) { bound in
                    logger.notice("\(KitCommandContract.RunnerSim.readyLine(host: host, port: bound))")
                }
            }
        }
        let signal = await SignalWaiter.wait(for: [SIGINT, SIGTERM])
        http?.cancel()
        _ = try? await http?.value
        let stats = sim.stats
        logger.notice("runner-sim stopping on signal \(signal): \(stats.handled) handled, \(stats.attempts) attempts, \(stats.deadLettered) dead-lettered")
        await sim.stop()
    }
}
