import Foundation
import GreenticTestKit
import Logging
import NIOCore

/// The first handler of every connection (raw bytes): it enforces the idle timeout and the
/// header deadline of `HTTPLimits` and writes the refusals the HTTP layer cannot (a request whose
/// head never completes, a head the decoder rejects), then closes. `RequestPhaseHandler`, after
/// the HTTP decoder, tells it where the connection is; after a WebSocket upgrade it only passes
/// bytes through.
final class ConnectionGuardHandler: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = ByteBuffer
    typealias InboundOut = ByteBuffer

    /// Where the connection is, as the deadlines see it.
    enum Phase: Equatable {
        /// No request in progress: the idle timeout runs.
        case idle
        /// A request's first bytes arrived, its head did not: the header deadline runs.
        case readingHead
        /// Heads received and not yet answered (the app's own deadlines apply).
        case inRequest(open: Int)
        /// A WebSocket now: nothing to enforce.
        case upgraded
        /// Refused or timed out; closing.
        case closing
    }

    private(set) var phase: Phase = .idle
    private let limits: HTTPLimits
    private let logger: Logger
    private var context: ChannelHandlerContext?
    private var timer: Scheduled<Void>?
    /// A parser error arrived while the app was answering a request: close after that answer.
    private var closeAfterResponse = false
    /// A response head went out and its end did not yet.
    private var responding = false

    private let outcome: GuardOutcome
    /// An answer to give as soon as the connection is active (the connection bound).
    private var pendingRefusal: Refusal?

    /// A JSON error for the whole connection.
    struct Refusal {
        var status: Int
        var code: String
        var message: String
    }

    init(limits: HTTPLimits, logger: Logger, outcome: GuardOutcome, refusal: Refusal? = nil) {
        self.limits = limits
        self.logger = logger
        self.outcome = outcome
        self.pendingRefusal = refusal
    }

    func handlerAdded(context: ChannelHandlerContext) {
        self.context = context
        arm(limits.idleTimeout)
        if context.channel.isActive { refuseIfPending() }
    }

    func channelActive(context: ChannelHandlerContext) {
        context.fireChannelActive()
        refuseIfPending()
    }

    private func refuseIfPending() {
        guard let refusal = pendingRefusal else { return }
        pendingRefusal = nil
        refuse(status: refusal.status, code: refusal.code, message: refusal.message)
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        timer?.cancel()
        self.context = nil
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        // After a refusal the rest of what the client sends is read and dropped, so closing
        // does not reset the connection before the client has read the answer.
        if phase == .closing || pendingRefusal != nil { return }
        if phase == .idle {
            phase = .readingHead
            arm(limits.headerTimeout)
        }
        context.fireChannelRead(data)
    }

    func channelInactive(context: ChannelHandlerContext) {
        timer?.cancel()
        context.fireChannelInactive()
    }

    // MARK: Events from RequestPhaseHandler

    func requestHeadReceived() {
        switch phase {
        case .idle, .readingHead:
            timer?.cancel()
            phase = .inRequest(open: 1)
        case .inRequest(let open):
            phase = .inRequest(open: open + 1)
        case .upgraded, .closing:
            break
        }
    }

    func responseStarted(closing: Bool) {
        responding = true
        if closing { closeAfterResponse = true }
    }

    func responseEnded() {
        responding = false
        guard case .inRequest(let open) = phase else { return }
        if closeAfterResponse {
            closeAfterResponse = false
            finish()
            return
        }
        if open > 1 {
            phase = .inRequest(open: open - 1)
        } else {
            phase = .idle
            arm(limits.idleTimeout)
        }
    }

    func upgraded() {
        timer?.cancel()
        phase = .upgraded
    }

    /// A request the decoder could not parse: refused here when no answer is under way,
    /// else the connection closes after that answer.
    func malformed(_ reason: String, status: Int) {
        switch phase {
        case .inRequest where responding:
            closeAfterResponse = true
        case .idle, .readingHead, .inRequest:
            refuse(status: status, code: status == 431 ? "headers_too_large" : "malformed_request", message: reason)
        case .upgraded, .closing:
            break
        }
    }

    // MARK: Deadlines

    private func arm(_ after: Duration) {
        timer?.cancel()
        guard let context else { return }
        timer = context.eventLoop.assumeIsolated().scheduleTask(in: after.timeAmount) { [weak self] in self?.expired() }
    }

    private func expired() {
        switch phase {
        case .idle:
            phase = .closing
            outcome.markRefused()
            context?.close(promise: nil)
        case .readingHead:
            refuse(status: 408, code: "header_timeout",
                   message: "the request head did not arrive within server.header_timeout_secs (\(limits.headerTimeout))")
        case .closing:
            context?.close(promise: nil)
        case .inRequest, .upgraded:
            break
        }
    }

    /// Writes a JSON error straight to the socket and closes.
    private func refuse(status: Int, code: String, message: String) {
        guard let context, phase != .closing else { return }
        phase = .closing
        outcome.markRefused()
        logger.debug("refusing a connection: \(status) \(code): \(message)")
        let buffer = Self.response(status: status, code: code, message: message, allocator: context.channel.allocator)
        context.writeAndFlush(NIOAny(IOData.byteBuffer(buffer)), promise: nil)
        finish()
    }

    /// Half-closes once what was written is out, drops what still arrives (a body nobody will
    /// read, so the client is not reset before it reads the answer) and closes fully when the
    /// client does, or after another header deadline.
    private func finish() {
        guard let context else { return }
        phase = .closing
        outcome.markRefused()
        let channel = context.channel
        context.writeAndFlush(NIOAny(IOData.byteBuffer(channel.allocator.buffer(capacity: 0)))).whenComplete { _ in
            channel.close(mode: .output, promise: nil)
        }
        arm(limits.headerTimeout)
    }

    static func response(status: Int, code: String, message: String, allocator: ByteBufferAllocator) -> ByteBuffer {
        let body = JSONWriter.compact(["error": ["code": .string(code), "message": .string(message)]])
        let reason = [400: "Bad Request", 408: "Request Timeout", 431: "Request Header Fields Too Large", 503: "Service Unavailable"][status] ?? "Error"
        let text = "HTTP/1.1 \(status) \(reason)\r\nContent-Type: application/json\r\nContent-Length: \(body.utf8.count)\r\n"
            + "Connection: close\r\n\r\n\(body)"
        return allocator.buffer(string: text)
    }
}
