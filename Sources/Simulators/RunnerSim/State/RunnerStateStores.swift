import Foundation
import GreenticSessions
import GreenticTestKit

/// Builds state stores from a `--state` value.
package enum RunnerStateStores {
    /// `memory`, `redis://host:port[/db]` or `postgres://user@host:port/db`.
    public static func make(_ spec: String) throws -> any RunnerStateStore {
        if spec == "memory" || spec.isEmpty { return MemoryRunnerStateStore() }
        if spec.hasPrefix("redis://") { return try RedisRunnerStateStore(url: spec) }
        if spec.hasPrefix("postgres://") || spec.hasPrefix("postgresql://") { return PostgresRunnerStateStore(url: spec) }
        throw SessionStoreError.configuration("unknown state store '\(EnvironmentSnapshot.redactURL(spec))' (expected memory, redis://… or postgres://…)")
    }
}
