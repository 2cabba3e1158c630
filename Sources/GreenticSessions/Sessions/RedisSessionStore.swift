import Foundation
import GreenticTestKit

/// Sessions in one Redis hash (`redis_prefix`, default `greentic:sessions`), field
/// `<tenant>:<key>`, value the record's JSON. Pooled connections; purge is one atomic script. A
/// corrupt record (not JSON, not a session) is skipped by list and purge, which name it in their
/// errors, and `/healthz` reports it; it never stops the rest of the hash from being served.
///
/// Durability is Redis's: a write is acknowledged once Redis has it in memory, and survives a
/// Redis crash only as far as its persistence is configured (`appendonly yes` with
/// `appendfsync always` matches the file store's fsync-before-acknowledge promise).
public final class RedisSessionStore: SessionStore {
    public var backendName: String { "redis" }
    package let pool: RedisPool
    public let hashKey: String

    public init(url: String, prefix: String?) throws {
        pool = try RedisPool(url: url)
        hashKey = (prefix?.isEmpty ?? true) ? "greentic:sessions" : prefix!
    }

    static func field(_ tenant: String, _ key: String) -> String { "\(tenant):\(key)" }

    /// Every readable record, and one line per field that is not a session.
    func all() async throws -> (records: [SessionRecord], errors: [String]) {
        let reply = try await pool.command(["HGETALL", hashKey])
        guard case .array(let items?) = reply else { return ([], []) }
        var records: [SessionRecord] = []
        var errors: [String] = []
        var i = 0
        while i + 1 < items.count {
            let field = items[i].string ?? "?"
            defer { i += 2 }
            guard let text = items[i + 1].string else {
                errors.append("record '\(field)' in hash \(hashKey) is not a string (skipped)")
                continue
            }
            do {
                records.append(try SessionRecord(stored: try JSONValue.parse(text)))
            } catch {
                errors.append("corrupt record '\(field)' in hash \(hashKey): \(error) (skipped)")
            }
        }
        return (records, errors)
    }

    public func list(_ filter: SessionFilter) async throws -> [SessionRecord] {
        try await listReporting(filter).records
    }

    public func listReporting(_ filter: SessionFilter) async throws -> SessionListing {
        let (records, errors) = try await all()
        return SessionListing(records: records.filter(filter.matches).sorted(by: sessionOrder), errors: errors)
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

    /// Deletes the matches inside one server-side script; records that are not sessions are
    /// left in place and returned by field: `{removed, corrupt field...}`.
    static let purgeScript = """
    local all = redis.call('HGETALL', KEYS[1])
    local doomed = {}
    local corrupt = {}
    for i = 1, #all, 2 do
      local ok, rec = pcall(cjson.decode, all[i + 1])
      if not ok or type(rec) ~= 'table' or type(rec['tenant']) ~= 'string' then
        corrupt[#corrupt + 1] = all[i]
      else
        local match = true
        if ARGV[1] == '1' and rec['tenant'] ~= ARGV[2] then match = false end
        if ARGV[3] == '1' and rec['team'] ~= ARGV[4] then match = false end
        if ARGV[5] == '1' and rec['user'] ~= ARGV[6] then match = false end
        if match then doomed[#doomed + 1] = all[i] end
      end
    end
    for _, field in ipairs(doomed) do redis.call('HDEL', KEYS[1], field) end
    local out = {#doomed}
    for _, field in ipairs(corrupt) do out[#out + 1] = field end
    return out
    """

    /// The fields of the hash that are not sessions (at most `limit`), checked inside Redis.
    static let corruptScript = """
    local all = redis.call('HGETALL', KEYS[1])
    local corrupt = {}
    for i = 1, #all, 2 do
      local ok, rec = pcall(cjson.decode, all[i + 1])
      if not ok or type(rec) ~= 'table' or type(rec['tenant']) ~= 'string' then
        corrupt[#corrupt + 1] = all[i]
        if #corrupt >= tonumber(ARGV[1]) then break end
      end
    end
    return corrupt
    """

    public func purge(_ filter: SessionFilter) async throws -> Int {
        try await purgeReporting(filter).removed
    }

    public func purgeReporting(_ filter: SessionFilter) async throws -> (removed: Int, errors: [String]) {
        func arg(_ v: String?) -> [String] { [v == nil ? "0" : "1", v ?? ""] }
        let reply = try await pool.command(["EVAL", Self.purgeScript, "1", hashKey] + arg(filter.tenant) + arg(filter.team) + arg(filter.user))
        guard case .array(let items?) = reply, case .integer(let n)? = items.first else { throw SessionStoreError.redis("purge answered \(reply)") }
        let errors = items.dropFirst().map { "corrupt record '\($0.string ?? "?")' in hash \(hashKey) (skipped, left in place)" }
        return (n, errors)
    }

    public func health() async -> StoreHealth {
        do {
            let reply = try await pool.command(["PING"])
            let detail = "redis at \(EnvironmentSnapshot.redactURL(pool.url)), hash \(hashKey)"
            guard reply == .simple("PONG") else { return StoreHealth(ok: false, detail: detail) }
            let corrupt = try await pool.command(["EVAL", Self.corruptScript, "1", hashKey, "10"])
            let fields = corrupt.arrayItems.map { "corrupt record '\($0.string ?? "?")' in hash \(hashKey)" }
            return StoreHealth(ok: true, detail: detail, problems: fields)
        } catch {
            return StoreHealth(ok: false, detail: "\(error)")
        }
    }
}
