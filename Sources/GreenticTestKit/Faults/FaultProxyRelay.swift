import NIOCore

/// What carries a proxied connection's bytes from one side to the other. The default forwards
/// them as they come (`ByteRelay`); a protocol-aware relay (the NATS fault proxy's) frames them
/// first and may hold, repeat, alter or drop what it frames.
package protocol FaultProxyRelay: Sendable {
    /// Adds to `channel`'s pipeline (called on its event loop) the handlers that read from it and
    /// write to `peer`, adding the proxy's current `latency` to each write. `towardServer` is true
    /// on the client's side, whose reads go to the server.
    func install(on channel: any Channel, peer: any Channel, towardServer: Bool, latency: @escaping @Sendable () -> Duration?) throws
}
