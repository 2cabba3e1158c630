import Foundation
import GreenticTestKit
import NIOCore

/// A NATS-aware fault proxy between clients and nats-server: it frames the protocol in both
/// directions (`PUB`/`HPUB` up, `MSG`/`HMSG` down, everything else passed as it came) and applies
/// the active `NATSFaultRule`s to the messages of matching subjects — drop, duplicate, delay,
/// reorder, corrupt — with every random choice drawn from one seed, so a failing run replays the
/// same faults. The byte-level faults of the same connections (latency, refusing new ones,
/// cutting live ones) are `bytes`'. Rules can change while traffic flows.
public final class NATSFaultProxy: Sendable {
    /// The underlying TCP proxy, for byte-level faults on the same connections.
    public let bytes: FaultProxy
    private let core: NATSFaultCore

    private init(bytes: FaultProxy, core: NATSFaultCore) {
        self.bytes = bytes
        self.core = core
    }

    /// Starts a proxy to the NATS server at `host:port`. `onFault` is called (on a NIO thread)
    /// for each fault as it is applied.
    public static func start(to host: String, port: Int, seed: UInt64,
                             onFault: @escaping @Sendable (NATSFaultEvent) -> Void = { _ in }) async throws -> NATSFaultProxy {
        let core = NATSFaultCore(seed: seed, onFault: onFault)
        let bytes = try await FaultProxy.start(to: host, port: port, relay: NATSFaultRelay(core: core))
        return NATSFaultProxy(bytes: bytes, core: core)
    }

    /// Starts a proxy in front of the test's NATS server (its first node), seeded with the test's
    /// seed (`env.seed`, printed in the failure's `repro:` line) unless `seed` is given; each
    /// fault applied is a `fault` event on the timeline.
    public static func start(_ env: TestEnv, seed: UInt64? = nil) async throws -> NATSFaultProxy {
        let url = try env.natsURL()
        guard let (host, port) = InfraEndpoints.hostPort(url) else {
            throw NATSFaultRuleError("the test's NATS URL '\(url)' has no host and port")
        }
        let timeline = env.timeline
        let proxy = try await start(to: host, port: port, seed: seed ?? env.seed) { event in
            timeline.append(kind: "fault", source: "nats-fault-proxy", data: [
                "rule": .string(event.rule), "action": .string(event.action), "subject": .string(event.subject),
                "direction": .string(event.direction.rawValue), "index": .number(Double(event.index)),
            ])
        }
        env.addTeardown { await proxy.stop() }
        return proxy
    }

    public var seed: UInt64 { core.seed }
    /// `nats://127.0.0.1:<port>`, for clients.
    public var url: String { "nats://\(bytes.address)" }

    /// Adds `rule` (replacing one of the same name); it applies from the next message on.
    public func add(_ rule: NATSFaultRule) { core.add(rule) }
    /// Removes the rule named `name`; false when there was none.
    @discardableResult
    public func remove(named name: String) -> Bool { core.remove(named: name) }
    public func removeAllRules() { core.removeAll() }
    public var rules: [NATSFaultRule] { core.rules }

    /// The faults applied so far, oldest first (the last 10,000).
    public var events: [NATSFaultEvent] { core.events }
    /// How many faults were applied in all.
    public var faultCount: Int { core.totalEvents }
    /// Connections closed because their bytes were not NATS the proxy could frame.
    public var problems: [String] { core.problems }

    public func stop() async { await bytes.stop() }
}
