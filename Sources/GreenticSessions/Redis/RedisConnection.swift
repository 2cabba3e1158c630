import Foundation
import GreenticTestKit
import NIOCore
import NIOPosix
import Synchronization

/// One Redis connection (SwiftNIO): commands are answered in order.
final class RedisConnection: Sendable {
    private let channel: any Channel
    private let waiters: Mutex<(queue: [CheckedContinuation<RESPValue, any Error>], closed: Bool)>

    private init(channel: any Channel) {
        self.channel = channel
        self.waiters = Mutex(([], false))
    }

    static func connect(host: String, port: Int, password: String?, database: Int?) async throws -> RedisConnection {
        let box = RedisReplySink()
        let channel: any Channel
        do {
            channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
                .connectTimeout(.seconds(3))
                .channelOption(.socketOption(.tcp_nodelay), value: 1)
                .channelInitializer { channel in
                    channel.eventLoop.makeCompletedFuture { try channel.pipeline.syncOperations.addHandler(RedisReplyHandler(sink: box)) }
                }
                .connect(host: host, port: port).get()
        } catch {
            throw SessionStoreError.redis("failed to connect to redis at \(host):\(port): \(error)")
        }
        let connection = RedisConnection(channel: channel)
        box.connection.withLock { $0 = connection }
        if let password, !password.isEmpty { try await connection.expectOK(["AUTH", password]) }
        if let database, database != 0 { try await connection.expectOK(["SELECT", "\(database)"]) }
        return connection
    }

    func send(_ args: [String]) async throws -> RESPValue {
        let bytes = RESPValue.command(args)
        let reply = try await withCheckedThrowingContinuation { (c: CheckedContinuation<RESPValue, any Error>) in
            let ok = waiters.withLock { w -> Bool in
                if w.closed { return false }
                w.queue.append(c)
                channel.writeAndFlush(ByteBuffer(bytes: bytes), promise: nil)
                return true
            }
            if !ok { c.resume(throwing: SessionStoreError.redis("connection closed")) }
        }
        if case .error(let message) = reply { throw SessionStoreError.redis(message) }
        return reply
    }

    private func expectOK(_ args: [String]) async throws {
        let reply = try await send(args)
        guard reply == .simple("OK") else { throw SessionStoreError.redis("\(args[0]) answered \(reply)") }
    }

    var isClosed: Bool { waiters.withLock { $0.closed } }

    func deliver(_ value: RESPValue) {
        let c = waiters.withLock { $0.queue.isEmpty ? nil : $0.queue.removeFirst() }
        c?.resume(returning: value)
    }

    func fail(_ error: any Error) {
        let all = waiters.withLock { w -> [CheckedContinuation<RESPValue, any Error>] in
            w.closed = true
            defer { w.queue = [] }
            return w.queue
        }
        all.forEach { $0.resume(throwing: error) }
    }

    func close() async {
        try? await channel.close()
    }
}
