import Foundation

/// A message delivered by NATS (MSG or HMSG).
public struct NATSMessage: Sendable, Equatable {
    public var subject: String
    public var sid: UInt64
    public var replyTo: String?
    public var headers: NATSHeaders?
    public var payload: Data
    /// Where the message stands in everything its client read off the connection (1, 2, …,
    /// across all subscriptions and reconnects); 0 for a message that was not received. Stamped
    /// as the frame is parsed, so it orders messages of different subscriptions as they arrived.
    public var arrival: UInt64
    /// When the client read the message off the socket; nil for a message that was not received.
    public var receivedAt: ContinuousClock.Instant?

    public init(subject: String, sid: UInt64 = 0, replyTo: String? = nil, headers: NATSHeaders? = nil, payload: Data,
                arrival: UInt64 = 0, receivedAt: ContinuousClock.Instant? = nil) {
        self.subject = subject
        self.sid = sid
        self.replyTo = replyTo
        self.headers = headers
        self.payload = payload
        self.arrival = arrival
        self.receivedAt = receivedAt
    }

    /// The payload as UTF-8 text (lossy).
    public var text: String { String(decoding: payload, as: UTF8.self) }

    /// The status code of a header-only status message (`NATS/1.0 503`), if any.
    public var status: Int? { headers?.status }
}
