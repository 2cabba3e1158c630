import Synchronization

/// Request/reply over one muxed inbox: every request waits on `<prefix>.<token>`, and the first
/// reply for a token resumes its request exactly once. A timeout, a failed publish, a close and
/// the reply race to `take` the waiter; whoever gets it resumes it, the others find nothing. Once
/// closed, a new request fails at once, so no continuation is left waiting.
///
/// The inbox needs a subscription of its own only when no tap of the same connection already
/// receives its replies: with a complete wiretap (`>`) the server would otherwise send every reply
/// twice. So the inbox is either unsubscribed (no request yet), subscribed under its own sid, or
/// covered by a tap. A reply is recognised by its subject, whichever of the connection's
/// subscriptions it arrives on, so one in flight while the inbox changes hands is not lost.
final class NATSRequestRouter: Sendable {
    typealias Waiter = CheckedContinuation<NATSMessage, any Error>

    /// Which subscription receives the inbox's replies.
    enum Inbox: Equatable {
        case unsubscribed
        case own(sid: UInt64)
        case covered(byTap: UInt64)
    }

    private struct State {
        var waiters: [String: Waiter] = [:]
        var inbox = Inbox.unsubscribed
        var closedWith: NATSError?
    }

    /// `_INBOX.<22 random characters>`; replies arrive on `<prefix>.<token>`.
    let prefix: String
    /// `<prefix>.*`, the subject of the inbox's own subscription.
    let subject: String
    let pattern: SubjectPattern
    private let replyPrefix: [UInt8]
    private let state = Mutex(State())

    init(prefix: String = "_INBOX." + NATSClient.token(22)) {
        self.prefix = prefix
        self.subject = prefix + ".*"
        self.pattern = SubjectPattern(subject)
        self.replyPrefix = Array((prefix + ".").utf8)
    }

    /// The inbox's own subscription's sid, when it has one.
    var sid: UInt64? {
        state.withLock { if case .own(let sid) = $0.inbox { sid } else { nil } }
    }

    var inbox: Inbox { state.withLock { $0.inbox } }

    // The changes below send their SUB or UNSUB under the router's lock, so no request can
    // publish between the decision and the frame that carries it out: a request's PUB always
    // follows the subscription that will receive its reply.

    /// Before each request: subscribes the inbox unless it is subscribed or a tap covers it.
    func ensureSubscribed(coveringTap: () -> UInt64?, allocate: () -> UInt64, subscribe: (UInt64) throws -> Void) throws {
        try state.withLock { s in
            guard s.inbox == .unsubscribed else { return }
            if let tap = coveringTap() {
                s.inbox = .covered(byTap: tap)
                return
            }
            let sid = allocate()
            try subscribe(sid)
            s.inbox = .own(sid: sid)
        }
    }

    /// A tap that covers the inbox has been subscribed: it takes the replies over, and the
    /// inbox's own subscription, if any, is dropped (after the tap's SUB, so nothing falls between).
    func tapCovers(_ tap: UInt64, unsubscribe: (UInt64) throws -> Void) throws {
        try state.withLock { s in
            guard s.closedWith == nil, case .own(let sid) = s.inbox else { return }
            s.inbox = .covered(byTap: tap)
            try unsubscribe(sid)
        }
    }

    /// A subscription is about to be unsubscribed or limited. When it is the tap covering the
    /// inbox, another covering tap takes over, or the inbox subscribes again before the UNSUB.
    func subscriptionEnds(_ sid: UInt64, coveringTap: () -> UInt64?, allocate: () -> UInt64, subscribe: (UInt64) throws -> Void) throws {
        try state.withLock { s in
            guard s.inbox == .covered(byTap: sid) else { return }
            if let tap = coveringTap() {
                s.inbox = .covered(byTap: tap)
                return
            }
            s.inbox = .unsubscribed
            let own = allocate()
            try subscribe(own)
            s.inbox = .own(sid: own)
        }
    }

    /// Registers a waiting request; fails it at once when the client is already closed.
    func register(_ token: String, _ waiter: Waiter) {
        let refused = state.withLock { s -> NATSError? in
            if let error = s.closedWith { return error }
            s.waiters[token] = waiter
            return nil
        }
        if let refused { waiter.resume(throwing: refused) }
    }

    /// Whether a message is on this inbox (checked without the lock, on every delivered message).
    func isReply(_ message: NATSMessage) -> Bool {
        let subject = message.subject.utf8
        return subject.count > replyPrefix.count && subject.starts(with: replyPrefix)
    }

    /// The reply's waiter, taken so that nothing else resumes it; nil when the message is not a
    /// reply to a live request (late, duplicate, or for another inbox).
    func take(reply message: NATSMessage) -> Waiter? {
        guard isReply(message) else { return nil }
        let token = String(message.subject.utf8.dropFirst(replyPrefix.count))!
        return state.withLock { $0.waiters.removeValue(forKey: token) }
    }

    /// Resumes a reply's waiter: a "no responders" status (503) is an error of its own.
    static func resume(_ waiter: Waiter, with message: NATSMessage) {
        if message.status == 503 {
            waiter.resume(throwing: NATSError.noResponders(subject: message.subject))
        } else {
            waiter.resume(returning: message)
        }
    }

    /// Fails one request (its timeout, or a publish that could not be sent) if it still waits.
    func fail(_ token: String, _ error: any Error) {
        state.withLock { $0.waiters.removeValue(forKey: token) }?.resume(throwing: error)
    }

    /// Fails every waiting request and refuses new ones.
    func close(_ error: NATSError) {
        let waiters = state.withLock { s -> [Waiter] in
            s.closedWith = error
            defer { s.waiters = [:] }
            return Array(s.waiters.values)
        }
        waiters.forEach { $0.resume(throwing: error) }
    }

    /// Requests waiting for a reply.
    var pendingCount: Int { state.withLock { $0.waiters.count } }
}
