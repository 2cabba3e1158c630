import NIOCore
import NIOHTTP1

/// Sits right after the HTTP decoder and tells the `ConnectionGuardHandler` where the connection
/// is: a request head arrived, a response ended, the connection became a WebSocket (then it
/// removes itself, as the HTTP handlers go), or the decoder refused what it read (header count or
/// size over the limits, a malformed request line, bad chunking).
final class RequestPhaseHandler: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias InboundOut = HTTPServerRequestPart
    typealias OutboundIn = HTTPServerResponsePart
    typealias OutboundOut = HTTPServerResponsePart

    private let connection: ConnectionGuardHandler
    /// The 101 went out: leave the pipeline once it is flushed. Leaving inside `write` would lose
    /// the flush of a `writeAndFlush`, which NIO delivers to this same, by then detached, context.
    private var leaveAfterFlush = false

    init(connection: ConnectionGuardHandler) {
        self.connection = connection
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
        case .head(let head):
            connection.responseStarted(closing: head.headers[canonicalForm: "connection"].contains { $0.lowercased() == "close" })
            context.write(data, promise: promise)
        case .end:
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
            let (status, reason) = Self.describe(parserError)
            connection.malformed(reason, status: status)
        }
        context.fireErrorCaught(error)
    }

    static func describe(_ error: HTTPParserError) -> (status: Int, reason: String) {
        switch error {
        case .headerOverflow: (431, "too many or too large header fields (server.max_header_count, server.max_header_bytes)")
        case .invalidChunkSize: (400, "invalid chunked body")
        case .unexpectedContentLength, .invalidContentLength: (400, "invalid or conflicting Content-Length")
        case .invalidMethod: (400, "unknown or malformed method")
        case .invalidVersion: (400, "unsupported HTTP version")
        default: (400, "malformed request (\(error))")
        }
    }
}
