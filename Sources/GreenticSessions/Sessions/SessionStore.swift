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
    /// `list`, with the records that could not be read (skipped) named.
    func listReporting(_ filter: SessionFilter) async throws -> SessionListing
    /// `purge`, with the records that could not be read (skipped, left in place) named.
    func purgeReporting(_ filter: SessionFilter) async throws -> (removed: Int, errors: [String])
}

extension SessionStore {
    public func find(_ filter: SessionFilter) async throws -> SessionRecord? {
        try await list(filter).first
    }

    /// Stores that refuse to serve corrupt data (the file store stops at a corrupt file) skip nothing.
    public func listReporting(_ filter: SessionFilter) async throws -> SessionListing {
        SessionListing(records: try await list(filter), errors: [])
    }

    public func purgeReporting(_ filter: SessionFilter) async throws -> (removed: Int, errors: [String]) {
        (try await purge(filter), [])
    }
}

/// Matching records and what could not be read.
public struct SessionListing: Sendable {
    public var records: [SessionRecord]
    /// One line per unreadable record, naming it.
    public var errors: [String]

    public init(records: [SessionRecord], errors: [String]) {
        self.records = records
        self.errors = errors
    }
}

/// A store's self-reported state.
public struct StoreHealth: Sendable, Equatable {
    /// The store answers.
    public var ok: Bool
    public var detail: String
    /// Data it holds but cannot read (a corrupt Redis record, by key): the store still serves.
    public var problems: [String]

    public init(ok: Bool, detail: String, problems: [String] = []) {
        self.ok = ok
        self.detail = detail
        self.problems = problems
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
