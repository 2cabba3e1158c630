import GreenticTestKit
import NIOCore

/// Puts the NATS framing and the fault forwarder on each side of a proxied connection.
struct NATSFaultRelay: FaultProxyRelay {
    let core: NATSFaultCore

    func install(on channel: any Channel, peer: any Channel, towardServer: Bool, latency: @escaping @Sendable () -> Duration?) throws {
        let direction: NATSFaultRule.Direction = towardServer ? .toServer : .toClient
        try channel.pipeline.syncOperations.addHandler(ByteToMessageHandler(NATSWireFrameDecoder()))
        try channel.pipeline.syncOperations.addHandler(NATSFaultForwarder(peer: peer, direction: direction, faults: core, latency: latency))
    }
}
