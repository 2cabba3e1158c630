import GreenticTestKit
import Synchronization

/// Flow state in this process's memory (the runner's default backend).
package final class MemoryRunnerStateStore: RunnerStateStore {
    private let values = Mutex<[RunnerStateKey: JSONValue]>([:])
    public var backendName: String { "memory" }

    public init() {}

    public func put(_ key: RunnerStateKey, _ value: JSONValue) async throws {
        values.withLock { $0[key] = value }
    }

    public func list(env: String, tenant: String) async throws -> [(key: RunnerStateKey, value: JSONValue)] {
        values.withLock { all in
            all.filter { $0.key.env == env && $0.key.tenant == tenant }.sorted { $0.key < $1.key }.map { ($0.key, $0.value) }
        }
    }

    public func close() async {}
}
