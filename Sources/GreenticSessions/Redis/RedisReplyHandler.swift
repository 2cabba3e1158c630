import Foundation
import GreenticTestKit
import NIOCore
import NIOPosix
import Synchronization

/// Parses RESP replies off the Redis connection and hands each to the waiting command.
final class RedisReplyHandler: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer
    private var parser = RESPParser()
    private let sink: RedisReplySink

    init(sink: RedisReplySink) {
        self.sink = sink
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        var buffer = unwrapInboundIn(data)
        parser.append(buffer.readBytes(length: buffer.readableBytes) ?? [])
        let connection = sink.connection.withLock { $0 }
        do {
            while let value = try parser.next() { connection?.deliver(value) }
        } catch {
            connection?.fail(error)
            context.close(promise: nil)
        }
    }

    func channelInactive(context: ChannelHandlerContext) {
        sink.connection.withLock { $0 }?.fail(SessionStoreError.redis("connection closed by the server"))
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        sink.connection.withLock { $0 }?.fail(SessionStoreError.redis("\(error)"))
        context.close(promise: nil)
    }
}
