

/// A protocol conversation proving a server is serving, not merely listening.
public enum ProtocolProbe: Sendable, CustomStringConvertible {
    /// NATS: INFO received, CONNECT + PING answered with PONG (or, by a server that requires
    /// credentials, with its authorization error).
    case nats(host: String, port: String)
    /// Redis: PING answered with +PONG.
    case redis(host: String, port: String)
    /// Postgres: connect with libpq and run `SELECT 1`. The string is a libpq URL template.
    case postgres(url: String)

    public var description: String {
        switch self {
        case .nats(let host, let port): "a NATS PING answered at \(host):\(port)"
        case .redis(let host, let port): "a Redis PING answered at \(host):\(port)"
        case .postgres(let url): "Postgres answering SELECT 1 at \(EnvironmentSnapshot.redactURL(url))"
        }
    }
}
