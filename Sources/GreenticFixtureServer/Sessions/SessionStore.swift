/// Where sessions live. Implementations: `MemorySessionStore`, `FileSessionStore`,
/// `RedisSessionStore`. Every acknowledged write is durable for the backend's promise.
public protocol SessionStore: Sendable {
    /// `memory`, `file` or `redis`.
    var backendName: String { get }
    /// Matching records, most recently updated first (ties by tenant, then key).
    func list(_ filter: SessionFilter) async throws -> [SessionRecord]
    /// Removes every matching record (all in one step) and returns how many.
    func purge(_ filter: SessionFilter) async throws -> Int
    /// Inserts or replaces the record with the same (tenant, key), stamping `updatedAtEpochMs`.
    func upsert(_ record: SessionRecord) async throws -> SessionRecord
    /// The most recently updated match.
    func find(_ filter: SessionFilter) async throws -> SessionRecord?
    /// Removes (tenant, key); returns whether it existed.
    func remove(tenant: String, key: String) async throws -> Bool
    /// Whether the store can serve (for `/healthz`).
    func health() async -> StoreHealth
}

extension SessionStore {
    public func find(_ filter: SessionFilter) async throws -> SessionRecord? {
        try await list(filter).first
    }
}

/// A store's self-reported state.
public struct StoreHealth: Sendable, Equatable {
    public var ok: Bool
    public var detail: String

    public init(ok: Bool, detail: String) {
        self.ok = ok
        self.detail = detail
    }
}

/// Session store failures.
public enum SessionStoreError: Error, CustomStringConvertible, Equatable {
    case corruptRecord(String)
    case corruptFile(path: String, offset: Int, reason: String)
    case io(path: String, reason: String)
    case locked(path: String)
    case redis(String)
    case configuration(String)

    public var description: String {
        switch self {
        case .corruptRecord(let reason): "corrupt session record: \(reason)"
        case .corruptFile(let path, let offset, let reason):
            "session file \(path) is corrupt at byte \(offset): \(reason); the file was left untouched (move it away or repair it)"
        case .io(let path, let reason): "session file \(path): \(reason)"
        case .locked(let path): "session file \(path) is locked by another process"
        case .redis(let reason): "redis session store: \(reason)"
        case .configuration(let reason): reason
        }
    }
}
