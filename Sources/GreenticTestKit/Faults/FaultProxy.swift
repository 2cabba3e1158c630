import Foundation
import NIOCore
import NIOPosix
import Synchronization

/// A TCP proxy a test puts between a client and a server (NATS, HTTP, …) to inject faults:
/// pass traffic, add latency to every chunk in both directions, refuse new connections, or cut
/// the live ones. Listens on 127.0.0.1 with a port of its own choosing.
public final class FaultProxy: Sendable {
    /// What the proxy does to traffic.
    public enum Mode: Sendable, Equatable {
        case pass
        case latency(Duration)
        /// New connections are closed at once; live ones continue.
        case dropNewConnections
    }

    public let port: Int
    public let target: (host: String, port: Int)
    private let listener: any Channel
    private let relay: any FaultProxyRelay
    private let state: Mutex<(mode: Mode, live: [ObjectIdentifier: any Channel], accepted: Int)>

    private init(listener: any Channel, port: Int, target: (String, Int), relay: any FaultProxyRelay) {
        self.listener = listener
        self.relay = relay
        self.port = port
        self.target = target
        self.state = Mutex((mode: Mode.pass, live: [:], accepted: 0))
    }

    /// Starts a proxy to `host:port`.
    public static func start(to host: String, port targetPort: Int) async throws -> FaultProxy {
        try await start(to: host, port: targetPort, relay: ByteRelay())
    }

    /// Starts a proxy to `host:port` whose connections `relay` carries.
    package static func start(to host: String, port targetPort: Int, relay: any FaultProxyRelay) async throws -> FaultProxy {
        let box = ProxyBox()
        let listener = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelOption(.socketOption(.tcp_nodelay), value: 1)
            .childChannelInitializer { inbound in
                guard let proxy = box.proxy.withLock({ $0 }) else { return inbound.close() }
                return proxy.accept(inbound)
            }
            .bind(host: "127.0.0.1", port: 0).get()
        let proxy = FaultProxy(listener: listener, port: listener.localAddress?.port ?? 0, target: (host, targetPort), relay: relay)
        box.proxy.withLock { $0 = proxy }
        return proxy
    }

    /// `host:port` of the proxy, for clients (`nats://` + address).
    public var address: String { "127.0.0.1:\(port)" }

    public var mode: Mode {
        get { state.withLock { $0.mode } }
    }

    public func setMode(_ mode: Mode) {
        state.withLock { $0.mode = mode }
    }

    /// Connections accepted so far (refused ones included).
    public var acceptedConnections: Int { state.withLock { $0.accepted } }

    /// Closes every live connection (both sides) and returns once each socket is closed, so
    /// nothing sent after this call can reach a client through a connection it had; the proxy
    /// keeps listening. A connection still being set up when this is called is closed as soon as
    /// its upstream side connects.
    public func cutLiveConnections() async {
        let live = state.withLock { s -> [any Channel] in
            defer { s.live = [:] }
            return Array(s.live.values)
        }
        for channel in live { channel.close(promise: nil) }
        for channel in live { try? await channel.closeFuture.get() }
    }

    public func stop() async {
        try? await listener.close()
        await cutLiveConnections()
    }

    private func accept(_ inbound: any Channel) -> EventLoopFuture<Void> {
        let refuse = state.withLock { s -> Bool in
            s.accepted += 1
            return s.mode == .dropNewConnections
        }
        if refuse { return inbound.close() }
        // Tracked before the upstream connect, so a cut in between closes it too.
        let inboundID = track(inbound)
        let delay: @Sendable () -> Duration? = { [self] in
            if case .latency(let d) = state.withLock({ $0.mode }) { return d }
            return nil
        }
        return ClientBootstrap(group: inbound.eventLoop)
            .channelOption(.socketOption(.tcp_nodelay), value: 1)
            .connect(host: target.host, port: target.port)
            .flatMap { [self] outbound in
                let cut = state.withLock { $0.live[inboundID] == nil }
                if cut { return outbound.close().flatMap { inbound.close() } }
                track(outbound)
                // Each side's handlers are made and added on its own channel's event loop, the only place they run.
                let relay = self.relay
                return inbound.eventLoop.submit { try relay.install(on: inbound, peer: outbound, towardServer: true, latency: delay) }
                    .flatMap { outbound.eventLoop.submit { try relay.install(on: outbound, peer: inbound, towardServer: false, latency: delay) } }
            }
            .flatMapError { _ in inbound.close() }
    }

    @discardableResult
    private func track(_ channel: any Channel) -> ObjectIdentifier {
        let id = ObjectIdentifier(channel)
        state.withLock { $0.live[id] = channel }
        channel.closeFuture.whenComplete { [self] _ in _ = state.withLock { $0.live.removeValue(forKey: id) } }
        return id
    }
}
