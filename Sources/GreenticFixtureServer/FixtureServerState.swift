import Foundation
import GreenticSessions
import GreenticTestKit
import Logging
import Synchronization

/// Everything the fixture server's routes share: config, session store, pack index, runner
/// bridge and the runner event log.
package final class FixtureServerState: Sendable {
    public let config: ServerConfig
    public let store: any SessionStore
    public let runner: any RunnerBridge
    public let events: RunnerEventLog
    /// Direct Line tokens and conversations (`/v3/directline`, `/webchat/`).
    public let webchat: DirectLineBackend
    let logger: Logger
    private let index: Mutex<PackIndex>
    private let lastReloadError = Mutex<String?>(nil)
    private let counters = Mutex<(reloads: Int, watchPolls: Int)>((0, 0))
    private let bound = Mutex<(host: String, port: Int)?>(nil)

    /// Builds the state; a broken store file or pack manifest is an error naming the file.
    public init(config: ServerConfig, logger: Logger = Logger(label: "greentic.fixture-server")) throws {
        self.config = config
        self.logger = logger
        self.store = try Self.makeStore(config)
        self.index = Mutex(try PackIndex.build(root: config.packsRoot))
        self.events = RunnerEventLog(capacity: 100)
        self.webchat = DirectLineBackend(config: config.webchat)
        if let url = config.runnerURL {
            runner = HTTPRunnerBridge(baseURL: url, timeout: config.runnerTimeout)
        } else {
            runner = EchoRunner()
        }
    }

    public static func makeStore(_ config: ServerConfig) throws -> any SessionStore {
        switch config.sessionBackend {
        case .memory: return MemorySessionStore()
        case .redis: return try RedisSessionStore(url: config.redisURL ?? "", prefix: config.redisPrefix)
        case .file: return try FileSessionStore(path: config.sessionFile)
        }
    }

    public var packIndex: PackIndex { index.withLock { $0 } }

    func didBind(host: String, port: Int) { bound.withLock { $0 = (host, port) } }

    /// The base of Direct Line stream URLs: `webchat.stream_base_url`, else the bound address (a
    /// wildcard address is given as loopback; set `stream_base_url` for clients elsewhere). Never
    /// the request's Host header, which the client chooses.
    var streamBaseURL: String {
        if let configured = config.webchat.streamBaseURL { return configured }
        let address: (host: String, port: Int) = bound.withLock { $0 } ?? ((try? ListenAddress(parsing: config.listenAddress)).map { ($0.host, $0.port) } ?? ("127.0.0.1", 0))
        let host = address.host == "0.0.0.0" ? "127.0.0.1" : address.host == "::" ? "::1" : address.host
        return "ws://\(host.contains(":") ? "[\(host)]" : host):\(address.port)"
    }

    /// The error of the last failed reload (the previous index was kept), if any.
    public var reloadError: String? { lastReloadError.withLock { $0 } }

    /// Pack reloads attempted since start (by `POST /packs/reload` or the watcher), failed ones too.
    public var reloads: Int { counters.withLock { $0.reloads } }

    /// Times the watcher has looked at the packs tree (0 without `--watch`).
    public var watchPolls: Int { counters.withLock { $0.watchPolls } }

    func recordWatchPoll() { counters.withLock { $0.watchPolls += 1 } }

    /// Rebuilds the index from disk; on error the previous index stays and the error is kept.
    @discardableResult
    public func reloadPacks() throws -> PackIndex {
        counters.withLock { $0.reloads += 1 }
        do {
            let fresh = try PackIndex.build(root: config.packsRoot)
            index.withLock { $0 = fresh }
            lastReloadError.withLock { $0 = nil }
            logger.info("pack index reloaded: \(fresh.entries.count) pack(s) under \(fresh.root)")
            return fresh
        } catch {
            lastReloadError.withLock { $0 = "\(error)" }
            logger.warning("pack reload failed, keeping the previous index: \(error)")
            throw error
        }
    }

    /// Sends an activity to the runner and records the event (with the runner's answer, or
    /// its error). Throws `RunnerBridgeError` after recording a failure.
    public func runActivity(_ activity: RunnerActivity) async throws -> RunnerEvent {
        do {
            let result = try await runner.activity(activity)
            let event = RunnerEvent(flow: activity.flow, tenant: activity.tenant, team: activity.team, user: activity.user,
                                    payload: activity.payload, result: result)
            events.append(event)
            return event
        } catch {
            events.append(RunnerEvent(flow: activity.flow, tenant: activity.tenant, team: activity.team, user: activity.user,
                                      payload: activity.payload, result: ["status": "error", "error": .string("\(error)")]))
            throw error
        }
    }
}
