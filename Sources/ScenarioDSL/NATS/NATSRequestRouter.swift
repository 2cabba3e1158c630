import Synchronization

/// Request/reply over one muxed inbox: every request waits on `<prefix>.<token>` under a single
/// wildcard subscription, and the first reply for a token resumes its request exactly once. A
/// timeout, a failed publish, a close and the reply race to `take` the waiter; whoever gets it
/// resumes it, the others find nothing. Once closed, a new request fails at once, so no
/// continuation is left waiting.
final class NATSRequestRouter: Sendable {
    typealias Waiter = CheckedContinuation<NATSMessage, any Error>

    private struct State {
        var waiters: [String: Waiter] = [:]
        var sid: UInt64?
        var closedWith: NATSError?
    }

    /// `_INBOX.<22 random characters>`; replies arrive on `<prefix>.<token>`.
    let prefix: String
    private let state = Mutex(State())

    init(prefix: String = "_INBOX." + NATSClient.token(22)) {
        self.prefix = prefix
    }

    /// The wildcard subscription's sid once it exists.
    var sid: UInt64? { state.withLock { $0.sid } }

    /// Sets the sid on the first request; returns it when the SUB must be sent now.
    func claimSubscription(_ allocate: () -> UInt64) -> UInt64? {
        state.withLock { s in
            guard s.sid == nil else { return nil }
            let sid = allocate()
            s.sid = sid
            return sid
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

    /// The reply's waiter, taken so that nothing else resumes it; nil when the message is not a
    /// reply to a live request (late, duplicate, or for another mux).
    func take(reply message: NATSMessage) -> Waiter? {
        state.withLock { s in
            guard message.sid == s.sid, message.subject.utf8.count > prefix.utf8.count + 1 else { return nil }
            let token = String(message.subject.utf8.dropFirst(prefix.utf8.count + 1))!
            return s.waiters.removeValue(forKey: token)
        }
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
