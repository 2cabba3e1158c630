import NIOCore
import NIOPosix

/// Short TCP conversations used by readiness probes: connect, send, and wait for expected text.
package enum ProbeClient {
    /// One step of a probe conversation.
    public enum Step: Sendable {
        case send(String)
        /// Waits until the bytes received so far contain the text (fails early on `-ERR`).
        case expect(String)
        /// Waits until the bytes received so far contain one of the texts (an `-ERR` among them counts as an answer).
        case expectAny([String])
    }

    /// Connects and runs the steps; throws `ProbeError` with what was received on failure.
    public static func converse(host: String, port: Int, steps: [Step], timeout: Duration = .seconds(2)) async throws {
        try await withDeadline(timeout, what: "\(host):\(port)") {
            let channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
                .connectTimeout(timeout.timeAmount)
                .channelOption(.socketOption(.tcp_nodelay), value: 1)
                .connect(host: host, port: port) { channel in
                    channel.eventLoop.makeCompletedFuture {
                        try NIOAsyncChannel<ByteBuffer, ByteBuffer>(wrappingChannelSynchronously: channel)
                    }
                }
            try await channel.executeThenClose { inbound, outbound in
                var received = ""
                var iterator = inbound.makeAsyncIterator()
                func expect(_ texts: [String]) async throws {
                    let expected = texts.joined(separator: " or ")
                    while !texts.contains(where: received.contains) {
                        if received.contains("-ERR") {
                            throw ProbeError.unexpectedReply(expected: expected, received: received)
                        }
                        guard var chunk = try await iterator.next() else {
                            throw ProbeError.closed(expected: expected, received: received)
                        }
                        received += chunk.readString(length: chunk.readableBytes) ?? ""
                    }
                    if let range = texts.lazy.compactMap({ received.range(of: $0) }).first {
                        received = String(received[range.upperBound...])
                    }
                }
                for step in steps {
                    switch step {
                    case .send(let text):
                        try await outbound.write(ByteBuffer(string: text))
                    case .expect(let text):
                        try await expect([text])
                    case .expectAny(let texts):
                        try await expect(texts)
                    }
                }
            }
        }
    }

    /// Whether a TCP connection can be opened.
    public static func connect(host: String, port: Int, timeout: Duration = .seconds(1)) async throws {
        try await converse(host: host, port: port, steps: [], timeout: timeout)
    }

    public static let natsSteps: [Step] = [
        .expect("INFO"), .expect("\r\n"),
        .send("CONNECT {\"verbose\":false,\"pedantic\":false,\"name\":\"greentic-probe\"}\r\nPING\r\n"),
        // A server that requires credentials answers the probe's anonymous CONNECT with its
        // authorization error: it is up and speaking NATS, which is all readiness asks.
        .expectAny(["PONG\r\n", "-ERR 'Authorization Violation'"]),
    ]

    public static let redisSteps: [Step] = [.send("PING\r\n"), .expect("+PONG\r\n")]
}

/// Runs `body`, failing with `ProbeError.timedOut` when it takes longer than `timeout`.
public func withDeadline<T: Sendable>(_ timeout: Duration, what: String,
                                      _ body: @escaping @Sendable () async throws -> T) async throws -> T {
    try await withThrowingTaskGroup(of: T.self) { group in
        group.addTask { try await body() }
        group.addTask {
            try await Task.sleep(for: timeout)
            throw ProbeError.timedOut(what: what, after: timeout)
        }
        defer { group.cancelAll() }
        return try await group.next()!
    }
}
