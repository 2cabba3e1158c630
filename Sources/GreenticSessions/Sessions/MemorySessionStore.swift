import Synchronization

/// Sessions in memory, lost on exit. Keyed by (tenant, key).
public final class MemorySessionStore: SessionStore {
    public var backendName: String { "memory" }
    private let records = Mutex<[SessionKey: SessionRecord]>([:])

    public init(_ initial: [SessionRecord] = []) {
        records.withLock { map in
            for r in initial { map[SessionKey(r)] = r }
        }
    }

    public func list(_ filter: SessionFilter) async throws -> [SessionRecord] {
        records.withLock { $0.values.filter(filter.matches) }.sorted(by: sessionOrder)
    }

    public func purge(_ filter: SessionFilter) async throws -> Int {
        records.withLock { map in
            let doomed = map.filter { filter.matches($0.value) }.map(\.key)
            doomed.forEach { map.removeValue(forKey: $0) }
            return doomed.count
        }
    }

    public func upsert(_ record: SessionRecord) async throws -> SessionRecord {
        var stamped = record
        stamped.updatedAtEpochMs = SessionRecord.nowMs()
        let result = stamped
        records.withLock { $0[SessionKey(result)] = result }
        return result
    }

    public func remove(tenant: String, key: String) async throws -> Bool {
        records.withLock { $0.removeValue(forKey: SessionKey(tenant: tenant, key: key)) != nil }
    }

    public func health() async -> StoreHealth {
        StoreHealth(ok: true, detail: "\(records.withLock { $0.count }) session(s) in memory")
    }
}
