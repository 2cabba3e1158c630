import Foundation
import NIOCore
import NIOEmbedded
import ScenarioDSL
import Synchronization

/// Hands the client in-memory channels instead of sockets, so a test plays the server: it
/// writes the server's bytes inbound and reads what the client wrote.
final class NATSTestConnector: NATSConnector {
    let channels = AsyncMailbox<NIOAsyncTestingChannel>()
    private let count = Mutex(0)
    private let asked = Mutex<[Int]>([])
    /// Ports whose connections are refused, as a server that is down refuses them.
    let refused = Mutex<Set<Int>>([])

    /// Connections the client asked for so far.
    var attempts: Int { count.withLock { $0 } }
    /// The port of each connection asked for, in order.
    var ports: [Int] { asked.withLock { $0 } }

    func connect(host: String, port: Int, timeout: Duration,
                 initializer: @escaping @Sendable (any Channel) -> EventLoopFuture<Void>) async throws -> any Channel {
        count.withLock { $0 += 1 }
        asked.withLock { $0.append(port) }
        if refused.withLock({ $0.contains(port) }) {
            throw NATSError.connectionFailed("127.0.0.1:\(port): connection refused")
        }
        let channel = NIOAsyncTestingChannel()
        try await channel.eventLoop.flatSubmit { initializer(channel) }.get()
        try await channel.connect(to: SocketAddress(ipAddress: "127.0.0.1", port: port)).get()
        channels.put(channel)
        return channel
    }
}

/// One side of a client under test: the server's part of the conversation.
struct NATSTestServer {
    let connector = NATSTestConnector()
    static let info = #"INFO {"server_id":"test","version":"2.9.10","max_payload":1048576,"headers":true}"# + "\r\n"

    /// Connects a client and answers its handshake; returns it with its channel and the CONNECT line it sent.
    func connect(options: NATSClient.Options = NATSClient.Options(), info: String = NATSTestServer.info) async throws
        -> (NATSClient, NIOAsyncTestingChannel, String) {
        async let client = NATSClient.connect(url: "nats://127.0.0.1:4222", options: options, connector: connector, environment: [:])
        let channel = try await nextChannel()
        let connect = try await handshake(channel, info: info)
        return (try await client, channel, connect)
    }

    func nextChannel() async throws -> NIOAsyncTestingChannel {
        guard let channel = await connector.channels.next(timeout: .seconds(5)) else { throw NATSError.timeout("the client opened no connection") }
        return channel
    }

    /// INFO in, CONNECT + PING out, PONG in; returns the CONNECT line.
    func handshake(_ channel: NIOAsyncTestingChannel, info: String = NATSTestServer.info) async throws -> String {
        try await channel.writeInbound(ByteBuffer(string: info))
        let connect = try await Self.written(channel)
        try await channel.writeInbound(ByteBuffer(string: "PONG\r\n"))
        return connect
    }

    /// A reconnect's handshake, then the restored subscriptions and buffered publishes up to the
    /// PING the client sends after them, answered: the client counts the reconnect on that PONG.
    /// Returns what came after the handshake.
    func reconnected(_ channel: NIOAsyncTestingChannel) async throws -> String {
        _ = try await handshake(channel)
        let restored = try await Self.written(channel, until: "PING\r\n")
        try await channel.writeInbound(ByteBuffer(string: "PONG\r\n"))
        return restored
    }

    /// What the client wrote next (everything already queued, at least one write).
    static func written(_ channel: NIOAsyncTestingChannel) async throws -> String {
        var text = String(buffer: try await channel.waitForOutboundWrite(as: ByteBuffer.self))
        while let more = try await channel.readOutbound(as: ByteBuffer.self) { text += String(buffer: more) }
        return text
    }

    /// Reads writes until `marker` has appeared, returning all of it.
    static func written(_ channel: NIOAsyncTestingChannel, until marker: String) async throws -> String {
        var text = ""
        while !text.contains(marker) { text += try await written(channel) }
        return text
    }
}
