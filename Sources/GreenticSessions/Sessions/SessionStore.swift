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
