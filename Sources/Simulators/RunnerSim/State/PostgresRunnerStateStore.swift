import Foundation
import GreenticTestKit
import NIOPosix
import Synchronization

/// Flow state in Postgres: table `greentic_state (env, tenant, team, key, value jsonb,
/// updated_at)`, created on first use. One connection, used from NIO's thread pool.
package final class PostgresRunnerStateStore: RunnerStateStore {
    public let url: String
    private let connection = Mutex<PostgresConnection?>(nil)
    public var backendName: String { "postgres" }

    public init(url: String) {
        self.url = url
    }

    func run(_ sql: String) async throws -> [[String?]] {
        try await NIOThreadPool.singleton.runIfActive { [self] in
            try connection.withLock { conn in
                if conn == nil {
                    let fresh = try PostgresConnection(url: url)
                    try fresh.query("""
                        CREATE TABLE IF NOT EXISTS greentic_state (env text NOT NULL, tenant text NOT NULL, team text NOT NULL,
                        key text NOT NULL, value jsonb NOT NULL, updated_at timestamptz NOT NULL DEFAULT now(),
                        PRIMARY KEY (env, tenant, team, key))
                        """)
                    conn = fresh
                }
                do {
                    return try conn!.query(sql)
                } catch {
                    conn = nil  // reconnect next time
                    throw error
                }
            }
        }
    }

    public func put(_ key: RunnerStateKey, _ value: JSONValue) async throws {
        let q = PostgresConnection.quoteLiteral
        _ = try await run("""
            INSERT INTO greentic_state (env, tenant, team, key, value) VALUES (\(try q(key.env)), \(try q(key.tenant)), \(try q(key.team)),
            \(try q(key.key)), \(try q(JSONWriter.compact(value))))
            ON CONFLICT (env, tenant, team, key) DO UPDATE SET value = EXCLUDED.value, updated_at = now()
            """)
    }

    public func list(env: String, tenant: String) async throws -> [(key: RunnerStateKey, value: JSONValue)] {
        let q = PostgresConnection.quoteLiteral
        let rows = try await run("SELECT team, key, value::text FROM greentic_state WHERE env = \(try q(env)) AND tenant = \(try q(tenant)) ORDER BY team, key")
        return rows.compactMap { row in
            guard row.count == 3, let team = row[0], let key = row[1], let raw = row[2] else { return nil }
            return (RunnerStateKey(env: env, tenant: tenant, team: team, key: key), (try? JSONValue.parse(raw)) ?? .string(raw))
        }
    }

    public func close() async {
        connection.withLock { $0 = nil }
    }
}
