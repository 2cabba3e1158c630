import GreenticTestKit
import NIOCore
import NIOHTTP1

/// Sits right after the HTTP decoder and tells the `ConnectionGuardHandler` where the connection
/// is: a request head arrived, a response ended, the connection became a WebSocket (then it
/// removes itself, as the HTTP handlers go), or the decoder refused what it read (header count or
/// size over the limits, a malformed request line, bad chunking). It also gives a refused
/// WebSocket upgrade its JSON error: Hummingbird answers one with an empty 400.
final class RequestPhaseHandler: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias InboundOut = HTTPServerRequestPart
    typealias OutboundIn = HTTPServerResponsePart
    typealias OutboundOut = HTTPServerResponsePart

    private let connection: ConnectionGuardHandler
    private let outcome: GuardOutcome
    /// The JSON body of a refused upgrade, written before the response's end.
    private var refusalBody: ByteBuffer?
    /// The 101 went out: leave the pipeline once it is flushed. Leaving inside `write` would lose
    /// the flush of a `writeAndFlush`, which NIO delivers to this same, by then detached, context.
    private var leaveAfterFlush = false

    init(connection: ConnectionGuardHandler, outcome: GuardOutcome) {
        self.connection = connection
        self.outcome = outcome
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        if case .head = unwrapInboundIn(data) { connection.requestHeadReceived() }
        context.fireChannelRead(data)
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        switch unwrapOutboundIn(data) {
        case .head(let head) where head.status == .switchingProtocols:
            context.write(data, promise: promise)
            connection.upgraded()
            leaveAfterFlush = true
        case .head(var head):
            if head.status == .badRequest, let refusal = outcome.takeUpgradeRefusal() {
                let body = context.channel.allocator.buffer(string: JSONWriter.compact(refusal.body))
                head.status = .init(statusCode: Int(refusal.status.code), reasonPhrase: refusal.status.reasonPhrase)
                head.headers.replaceOrAdd(name: "Content-Type", value: "application/json")
                head.headers.replaceOrAdd(name: "Content-Length", value: "\(body.readableBytes)")
                head.headers.replaceOrAdd(name: "Connection", value: "close")
                refusalBody = body
            }
            connection.responseStarted(closing: head.headers[canonicalForm: "connection"].contains { $0.lowercased() == "close" })
            context.write(wrapOutboundOut(.head(head)), promise: promise)
        case .end:
            if let body = refusalBody {
                refusalBody = nil
                context.write(wrapOutboundOut(.body(.byteBuffer(body))), promise: nil)
            }
            context.write(data, promise: promise)
            connection.responseEnded()
        default:
            context.write(data, promise: promise)
        }
    }

    func flush(context: ChannelHandlerContext) {
        context.flush()
        if leaveAfterFlush {
            leaveAfterFlush = false
            context.pipeline.syncOperations.removeHandler(context: context, promise: nil)
        }
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        if let parserError = error as? HTTPParserError {
            let (status, reason) = parserError.statusAndReason
            connection.malformed(reason, status: status)
        }
        context.fireErrorCaught(error)
    }
}
