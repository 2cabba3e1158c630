import Foundation
import NIOCore
import NIOPosix

/// Raw TCP conversations with a server, for what an HTTP client library will not send: sends the
/// given chunks (with a pause between them when asked), then reads until the server closes or
/// `readFor` passes.
public enum RawHTTP {
    /// What came back.
    public struct Outcome: Sendable {
        public var text: String
        /// The server closed the connection (else `readFor` ran out first).
        public var closedByServer: Bool
        public var elapsed: Duration
        /// What ended the read when it was not a clean close (a reset, say).
        public var readError: String? = nil

        public var status: Int? {
            guard text.hasPrefix("HTTP/1.1 "), text.count >= 12 else { return nil }
            return Int(text.dropFirst(9).prefix(3))
        }

        /// The JSON body after the head.
        public var body: String {
            text.range(of: "\r\n\r\n").map { String(text[$0.upperBound...]) } ?? ""
        }
    }

    /// `answered` is called once the first bytes of an answer arrive (the server has the
    /// connection then, not just the kernel).
    public static func exchange(port: Int, send chunks: [String], pause: Duration = .zero, readFor: Duration,
                                connected: @escaping @Sendable () -> Void = {},
                                answered: @escaping @Sendable () -> Void = {}) async throws -> Outcome {
        // The first chunk goes out from the connection's event loop the moment it connects, not
        // from this task: on a loaded machine a task can wait seconds for a thread, and a server
        // rightly closes a connection that sent nothing for its idle timeout.
        let first = chunks.first
        let channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .connect(host: "127.0.0.1", port: port) { channel in
                channel.eventLoop.makeCompletedFuture {
                    if let first { try channel.pipeline.syncOperations.addHandler(SendOnConnect(ByteBuffer(string: first))) }
                    return try NIOAsyncChannel<ByteBuffer, ByteBuffer>(wrappingChannelSynchronously: channel)
                }
            }
        let start = ContinuousClock.now
        connected()
        return try await channel.executeThenClose { inbound, outbound in
            try await withThrowingTaskGroup(of: Outcome?.self) { group in
                group.addTask {
                    for chunk in chunks.dropFirst() {
                        if pause > .zero { try await Task.sleep(for: pause) }
                        do { try await outbound.write(ByteBuffer(string: chunk)) } catch { return nil }
                    }
                    return nil
                }
                group.addTask {
                    var text = ""
                    var readError: String?
                    do {
                        for try await var chunk in inbound {
                            if text.isEmpty { answered() }
                            text += chunk.readString(length: chunk.readableBytes) ?? ""
                        }
                    } catch { readError = "\(error)" }
                    return Outcome(text: text, closedByServer: true, elapsed: ContinuousClock.now - start, readError: readError)
                }
                group.addTask {
                    try await Task.sleep(for: readFor)
                    return Outcome(text: "", closedByServer: false, elapsed: ContinuousClock.now - start)
                }
                defer { group.cancelAll() }
                while let next = try await group.next() {
                    if let outcome = next { return outcome }
                }
                return Outcome(text: "", closedByServer: false, elapsed: ContinuousClock.now - start)
            }
        }
    }
}

/// Writes its bytes when the connection becomes active, on the connection's event loop.
private final class SendOnConnect: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer
    private var bytes: ByteBuffer?

    init(_ bytes: ByteBuffer) { self.bytes = bytes }

    func handlerAdded(context: ChannelHandlerContext) {
        if context.channel.isActive { send(context) }
    }

    func channelActive(context: ChannelHandlerContext) {
        send(context)
        context.fireChannelActive()
    }

    private func send(_ context: ChannelHandlerContext) {
        guard let bytes else { return }
        self.bytes = nil
        context.writeAndFlush(wrapOutboundOut(bytes), promise: nil)
    }
}
