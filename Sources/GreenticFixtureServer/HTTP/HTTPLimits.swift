import GreenticTestKit

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

extension HTTPLimits {
    /// The `[server]` keys these limits own, as a config layer (whole seconds).
    var configLayer: JSONValue {
        ["idle_timeout_secs": .number(idleTimeout.fractionalSeconds), "header_timeout_secs": .number(headerTimeout.fractionalSeconds),
         "body_timeout_secs": .number(bodyTimeout.fractionalSeconds), "max_connections": .number(Double(maxConnections)),
         "max_header_count": .number(Double(maxHeaderCount)), "max_header_bytes": .number(Double(maxHeaderBytes))]
    }

    /// Reads the `[server]` limits.
    init(_ values: ConfigValues) throws {
        self.init(idleTimeout: try values.seconds("server.idle_timeout_secs"), headerTimeout: try values.seconds("server.header_timeout_secs"),
                  bodyTimeout: try values.seconds("server.body_timeout_secs"), maxConnections: try values.int("server.max_connections", atLeast: 1),
                  maxHeaderCount: try values.int("server.max_header_count", atLeast: 8),
                  maxHeaderBytes: try values.int("server.max_header_bytes", atLeast: 1024))
    }
}
