/// NATS client failures, each saying what to check.
public enum NATSError: Error, CustomStringConvertible, Equatable {
    case invalidURL(String)
    case connectionFailed(String)
    case notConnected
    case serverError(String)
    case protocolViolation(String)
    case maxPayloadExceeded(size: Int, max: Int)
    case timeout(String)
    case noResponders(subject: String)
    case closed
    case invalidSubject(String)
    /// A credential that cannot be used as given (an unreadable `.creds` file, a malformed seed).
    case invalidCredentials(String)
    /// The server refused the credential, or it could not be presented; names the method used.
    case authenticationFailed(method: String, reason: String)
    /// TLS could not be set up or was refused.
    case tlsFailed(String)

    public var description: String {
        switch self {
        case .invalidURL(let url): "invalid NATS URL '\(url)' (expected nats://[user:password@]host[:port] or tls://…)"
        case .connectionFailed(let reason): "cannot connect to NATS: \(reason)"
        case .notConnected: "not connected to NATS (the connection was lost and the reconnect buffer is full)"
        case .serverError(let message): "NATS server error: \(message)"
        case .protocolViolation(let message): "NATS protocol violation: \(message)"
        case .maxPayloadExceeded(let size, let max): "payload of \(size) bytes exceeds the server's max_payload of \(max) bytes"
        case .timeout(let what): "timed out: \(what)"
        case .noResponders(let subject): "no responders for request on '\(subject)'"
        case .closed: "the NATS connection is closed"
        case .invalidSubject(let subject): "invalid NATS subject '\(subject)' (no spaces, not empty)"
        case .invalidCredentials(let reason): "unusable NATS credential: \(reason)"
        case .authenticationFailed(let method, let reason): "NATS authentication with \(method) failed: \(reason)"
        case .tlsFailed(let reason): "NATS TLS failed: \(reason)"
        }
    }
}
