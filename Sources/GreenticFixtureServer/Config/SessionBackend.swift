/// Where the fixture server keeps sessions (`stores.session.backend`).
public enum SessionBackend: String, Sendable, CaseIterable {
    /// In memory: gone when the server stops.
    case memory
    /// A journal file (`stores.session.file_path`), replayed on start.
    case file
    /// A Redis server (`stores.session.redis_url`), shared with other processes.
    case redis
}
