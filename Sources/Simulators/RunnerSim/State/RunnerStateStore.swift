import Foundation
import GreenticSessions
import GreenticTestKit

/// Where the runner simulator keeps flow state, per tenant: one JSON value per
/// (env, tenant, team, key). Backends: `MemoryRunnerStateStore`, `RedisRunnerStateStore`,
/// `PostgresRunnerStateStore`; `RunnerStateStores.make(_:)` picks one from a URL.
package protocol RunnerStateStore: Sendable {
    /// `memory`, `redis` or `postgres`.
    var backendName: String { get }
    /// Inserts or replaces one value.
    func put(_ key: RunnerStateKey, _ value: JSONValue) async throws
    /// Every value of one tenant in one environment (all teams), ordered by team then key.
    func list(env: String, tenant: String) async throws -> [(key: RunnerStateKey, value: JSONValue)]
    func close() async
}

/// The address of one state value: runner prefix `pack/<pack>/flow/<flow>/session/<session>`
/// under `greentic:state:<env>:<tenant>:<team>:`.
package struct RunnerStateKey: Sendable, Hashable, Comparable {
    public var env: String
    public var tenant: String
    public var team: String
    public var key: String

    public init(env: String, tenant: String, team: String, key: String) {
        self.env = env
        self.tenant = tenant
        self.team = team
        self.key = key
    }

    /// `greentic:state:<env>:<tenant>:<team>:<key>`.
    public var fullyQualified: String { "greentic:state:\(env):\(tenant):\(team):\(key)" }

    public static func < (a: Self, b: Self) -> Bool { (a.team, a.key) < (b.team, b.key) }
}

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
