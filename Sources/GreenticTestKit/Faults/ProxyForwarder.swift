import Foundation
import NIOCore
import NIOPosix
import Synchronization

/// Forwards everything read on one side to the peer channel (after the configured delay) and
/// closes the peer when its own side closes.
final class ProxyForwarder: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer
    let peer: any Channel
    let delay: @Sendable () -> Duration?

    init(peer: any Channel, delay: @escaping @Sendable () -> Duration?) {
        self.peer = peer
        self.delay = delay
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let buffer = unwrapInboundIn(data)
        let peer = self.peer
        if let d = delay() {
            context.eventLoop.scheduleTask(in: d.timeAmount) { peer.writeAndFlush(buffer, promise: nil) }
        } else {
            peer.writeAndFlush(buffer, promise: nil)
        }
    }

    func channelInactive(context: ChannelHandlerContext) {
        peer.close(promise: nil)
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        context.close(promise: nil)
    }
}
