import Foundation
import GreenticTestKit

/// Sessions in one Redis hash (`redis_prefix`, default `greentic:sessions`), field
/// `<tenant>:<key>`, value the record's JSON. Pooled connections; purge is one atomic script;
/// a corrupt record fails the operation with its field named instead of being skipped.
public final class RedisSessionStore: SessionStore {
    public var backendName: String { "redis" }
    public let pool: RedisPool
    public let hashKey: String

    public init(url: String, prefix: String?) throws {
        pool = try RedisPool(url: url)
        hashKey = (prefix?.isEmpty ?? true) ? "greentic:sessions" : prefix!
    }

    static func field(_ tenant: String, _ key: String) -> String { "\(tenant):\(key)" }

    func all() async throws -> [SessionRecord] {
        let reply = try await pool.command(["HGETALL", hashKey])
        guard case .array(let items?) = reply else { return [] }
        var records: [SessionRecord] = []
        var i = 0
        while i + 1 < items.count {
            let field = items[i].string ?? "?"
            guard let text = items[i + 1].string else { throw SessionStoreError.redis("record \(field) is not a string") }
            do {
                records.append(try SessionRecord(stored: try JSONValue.parse(text)))
            } catch {
                throw SessionStoreError.redis("corrupt record '\(field)' in hash \(hashKey): \(error)")
            }
            i += 2
        }
        return records
    }

    public func list(_ filter: SessionFilter) async throws -> [SessionRecord] {
        try await all().filter(filter.matches).sorted(by: sessionOrder)
    }

    public func upsert(_ record: SessionRecord) async throws -> SessionRecord {
        var stamped = record
        stamped.updatedAtEpochMs = SessionRecord.nowMs()
        _ = try await pool.command(["HSET", hashKey, Self.field(stamped.tenant, stamped.key), JSONWriter.compact(stamped.storedJSON)])
        return stamped
    }

    public func remove(tenant: String, key: String) async throws -> Bool {
        let reply = try await pool.command(["HDEL", hashKey, Self.field(tenant, key)])
        return reply == .integer(1)
    }

    /// Checks every record, then deletes the matches, inside one server-side script.
    static let purgeScript = """
    local all = redis.call('HGETALL', KEYS[1])
    local doomed = {}
    for i = 1, #all, 2 do
      local ok, rec = pcall(cjson.decode, all[i + 1])
      if not ok or type(rec) ~= 'table' or type(rec['tenant']) ~= 'string' then
        return redis.error_reply('corrupt record ' .. all[i])
      end
      local match = true
      if ARGV[1] == '1' and rec['tenant'] ~= ARGV[2] then match = false end
      if ARGV[3] == '1' and rec['team'] ~= ARGV[4] then match = false end
      if ARGV[5] == '1' and rec['user'] ~= ARGV[6] then match = false end
      if match then doomed[#doomed + 1] = all[i] end
    end
    for _, field in ipairs(doomed) do redis.call('HDEL', KEYS[1], field) end
    return #doomed
    """

    public func purge(_ filter: SessionFilter) async throws -> Int {
        func arg(_ v: String?) -> [String] { [v == nil ? "0" : "1", v ?? ""] }
        let reply = try await pool.command(["EVAL", Self.purgeScript, "1", hashKey] + arg(filter.tenant) + arg(filter.team) + arg(filter.user))
        guard case .integer(let n) = reply else { throw SessionStoreError.redis("purge answered \(reply)") }
        return n
    }

    public func health() async -> StoreHealth {
        do {
            let reply = try await pool.command(["PING"])
            return StoreHealth(ok: reply == .simple("PONG"), detail: "redis at \(EnvironmentSnapshot.redactURL(pool.url)), hash \(hashKey)")
        } catch {
            return StoreHealth(ok: false, detail: "\(error)")
        }
    }
}
