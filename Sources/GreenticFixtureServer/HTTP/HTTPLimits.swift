/// What one client may hold of the fixture server (`[server]` keys): how long a connection may
/// sit idle between requests, how long a request head and a body may take to arrive, how many
/// connections may be open at once, and how many and how large the header fields may be.
public struct HTTPLimits: Sendable, Equatable {
    /// `server.idle_timeout_secs`: a connection with no request in progress is closed after this.
    public var idleTimeout: Duration
    /// `server.header_timeout_secs`: from a request's first byte to the end of its head (else 408).
    public var headerTimeout: Duration
    /// `server.body_timeout_secs`: reading a request body (else 408).
    public var bodyTimeout: Duration
    /// `server.max_connections`: connections beyond it get 503 and are closed.
    public var maxConnections: Int
    /// `server.max_header_count` and `server.max_header_bytes` (all header fields together).
    public var maxHeaderCount: Int
    public var maxHeaderBytes: Int

    public init(idleTimeout: Duration = .seconds(60), headerTimeout: Duration = .seconds(10), bodyTimeout: Duration = .seconds(30),
                maxConnections: Int = 4096, maxHeaderCount: Int = 100, maxHeaderBytes: Int = 16 * 1024) {
        self.idleTimeout = idleTimeout
        self.headerTimeout = headerTimeout
        self.bodyTimeout = bodyTimeout
        self.maxConnections = maxConnections
        self.maxHeaderCount = maxHeaderCount
        self.maxHeaderBytes = maxHeaderBytes
    }
}
