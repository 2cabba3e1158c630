import GreenticSessions
import GreenticTestKit

/// Flow state in Redis: one string per value at `greentic:state:<env>:<tenant>:<team>:<key>`.
package final class RedisRunnerStateStore: RunnerStateStore {
    let pool: RedisPool
    public var backendName: String { "redis" }

    public init(url: String) throws {
        pool = try RedisPool(url: url)
    }

    public func put(_ key: RunnerStateKey, _ value: JSONValue) async throws {
        let reply = try await pool.command(["SET", key.fullyQualified, JSONWriter.compact(value)])
        if case .error(let message) = reply { throw SessionStoreError.redis("SET \(key.fullyQualified): \(message)") }
    }

    public func list(env: String, tenant: String) async throws -> [(key: RunnerStateKey, value: JSONValue)] {
        let prefix = "greentic:state:\(env):\(tenant):"
        var cursor = "0"
        var names: [String] = []
        repeat {
            let reply = try await pool.command(["SCAN", cursor, "MATCH", Self.globEscaped(prefix) + "*", "COUNT", "500"])
            guard case .array(let parts?) = reply, parts.count == 2, let next = parts[0].string, case .array(let found?) = parts[1] else {
                throw SessionStoreError.redis("unexpected SCAN reply \(reply)")
            }
            names += found.compactMap(\.string)
            cursor = next
        } while cursor != "0"
        var out: [(key: RunnerStateKey, value: JSONValue)] = []
        for name in Set(names) {
            let rest = name.dropFirst(prefix.count)
            guard let colon = rest.firstIndex(of: ":"), let raw = try await pool.command(["GET", name]).string else { continue }
            let key = RunnerStateKey(env: env, tenant: tenant, team: String(rest[..<colon]), key: String(rest[rest.index(after: colon)...]))
            out.append((key, (try? JSONValue.parse(raw)) ?? .string(raw)))
        }
        return out.sorted { $0.key < $1.key }
    }

    public func close() async { await pool.shutdown() }

    /// Escapes Redis glob characters so a tenant name matches only itself.
    static func globEscaped(_ s: String) -> String {
        var out = ""
        for c in s {
            if "*?[]\\".contains(c) { out.append("\\") }
            out.append(c)
        }
        return out
    }
}
