import Foundation
import GreenticTestKit
import Synchronization

/// A small pool of Redis connections, opened on demand and reused; broken ones are dropped.
package final class RedisPool: Sendable {
    public let url: String
    let host: String
    let port: Int
    let password: String?
    let database: Int?
    let maxIdle: Int
    private let idle = Mutex<[RedisConnection]>([])

    /// Validates `redis://[:password@]host:port[/db]`.
    public init(url: String, maxIdle: Int = 8) throws {
        guard let components = URLComponents(string: url), components.scheme == "redis" || components.scheme == "rediss",
              let host = components.host, !host.isEmpty else {
            throw SessionStoreError.configuration("invalid redis_url '\(EnvironmentSnapshot.redactURL(url))' (expected redis://host:port[/db])")
        }
        guard components.scheme == "redis" else {
            throw SessionStoreError.configuration("rediss:// (TLS) is not supported; use redis://")
        }
        self.url = url
        self.host = host
        self.port = components.port ?? 6379
        self.password = components.password
        let path = components.path.trimmingCharacters(in: CharacterSet(charactersIn: "/"))
        self.database = path.isEmpty ? nil : Int(path)
        self.maxIdle = maxIdle
    }

    /// Runs one command on a pooled connection.
    public func command(_ args: [String]) async throws -> RESPValue {
        let connection: RedisConnection
        if let reused = idle.withLock({ $0.popLast() }) {
            connection = reused
        } else {
            connection = try await RedisConnection.connect(host: host, port: port, password: password, database: database)
        }
        do {
            let reply = try await connection.send(args)
            release(connection)
            return reply
        } catch {
            if connection.isClosed { await connection.close() } else { release(connection) }
            throw error
        }
    }

    private func release(_ connection: RedisConnection) {
        let keep = idle.withLock { pool -> Bool in
            guard pool.count < maxIdle, !connection.isClosed else { return false }
            pool.append(connection)
            return true
        }
        if !keep { Task { await connection.close() } }
    }

    public func shutdown() async {
        let all = idle.withLock { pool -> [RedisConnection] in
            defer { pool = [] }
            return pool
        }
        for c in all { await c.close() }
    }
}
