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
