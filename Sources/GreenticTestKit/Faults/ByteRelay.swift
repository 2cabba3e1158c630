import NIOCore

/// The plain relay: every chunk read is written to the peer after the proxy's latency.
struct ByteRelay: FaultProxyRelay {
    func install(on channel: any Channel, peer: any Channel, towardServer: Bool, latency: @escaping @Sendable () -> Duration?) throws {
        try channel.pipeline.syncOperations.addHandler(ProxyForwarder(peer: peer, delay: latency))
    }
}
