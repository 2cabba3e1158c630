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
        let channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .connect(host: "127.0.0.1", port: port) { channel in
                channel.eventLoop.makeCompletedFuture { try NIOAsyncChannel<ByteBuffer, ByteBuffer>(wrappingChannelSynchronously: channel) }
            }
        let start = ContinuousClock.now
        connected()
        return try await channel.executeThenClose { inbound, outbound in
            try await withThrowingTaskGroup(of: Outcome?.self) { group in
                group.addTask {
                    for (i, chunk) in chunks.enumerated() {
                        if i > 0, pause > .zero { try await Task.sleep(for: pause) }
                        do { try await outbound.write(ByteBuffer(string: chunk)) } catch { return nil }
                    }
                    return nil
                }
                group.addTask {
                    var text = ""
                    do {
                        for try await var chunk in inbound {
                            if text.isEmpty { answered() }
                            text += chunk.readString(length: chunk.readableBytes) ?? ""
                        }
                    } catch {}
                    return Outcome(text: text, closedByServer: true, elapsed: ContinuousClock.now - start)
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
