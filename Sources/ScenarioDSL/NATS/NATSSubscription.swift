import Foundation
import GreenticTestKit
import Synchronization

/// A subscription's messages as an async sequence. Ends on `unsubscribe()`, after the
/// `max` messages of `unsubscribe(after:)`, or when the connection closes. Waiting with a
/// timeout (`next(timeout:)`) never ends the subscription.
public final class NATSSubscription: AsyncSequence, Sendable {
    public typealias Element = NATSMessage

    public let sid: UInt64
    public let subject: String
    public let queue: String?
    private weak let client: NATSClient?

    private let mailbox = AsyncMailbox<NATSMessage>()
    /// When set, each message is handed to this closure on the connection's thread as it is
    /// parsed, in arrival order, instead of being queued (a wiretap's subscription).
    let observer: (@Sendable (NATSMessage) -> Void)?
    /// `unsubscribe(after:)`'s limit and the count delivered so far (one producer: the reader).
    private let limit = Mutex<(max: Int?, delivered: Int, finished: Bool)>((nil, 0, false))

    init(sid: UInt64, subject: String, queue: String?, client: NATSClient, observer: (@Sendable (NATSMessage) -> Void)? = nil) {
        self.observer = observer
        self.sid = sid
        self.subject = subject
        self.queue = queue
        self.client = client
    }

    /// Iterates messages in arrival order.
    public struct AsyncIterator: AsyncIteratorProtocol {
        let subscription: NATSSubscription
        public mutating func next() async -> NATSMessage? {
            await subscription.nextMessage()
        }
    }

    public func makeAsyncIterator() -> AsyncIterator {
        AsyncIterator(subscription: self)
    }

    /// Stops delivery now.
    public func unsubscribe() async throws {
        try client?.unsubscribe(sid, after: nil)
        finish()
    }

    /// Messages still allowed by `unsubscribe(after:)` (for restoring it after a reconnect).
    var remainingBeforeLimit: Int? {
        limit.withLock { l in l.max.map { Swift.max(0, $0 - l.delivered) } }
    }

    /// Ends the subscription after `max` messages in total have been delivered.
    public func unsubscribe(after max: Int) async throws {
        let done = limit.withLock { l -> Bool in
            l.max = max
            return l.delivered >= max
        }
        if done {
            try await unsubscribe()
        } else {
            try client?.unsubscribe(sid, after: max)
        }
    }

    /// Messages received and not yet consumed.
    public var pendingCount: Int {
        mailbox.count
    }

    /// Delivers several messages with at most one wake-up; returns true when the subscription
    /// reached its limit.
    func deliver(contentsOf messages: [NATSMessage]) -> Bool {
        let (allowed, reached) = limit.withLock { l -> (Int, Bool) in
            if l.finished { return (0, false) }
            var n = messages.count
            if let max = l.max { n = Swift.min(n, Swift.max(0, max - l.delivered)) }
            l.delivered += n
            return (n, l.max.map { l.delivered >= $0 } ?? false)
        }
        if let observer {
            messages.prefix(allowed).forEach(observer)
        } else if allowed == messages.count {
            mailbox.put(contentsOf: messages)
        } else if allowed > 0 {
            mailbox.put(contentsOf: Array(messages.prefix(allowed)))
        }
        if reached { finish() }
        return reached
    }

    /// Delivers a message; returns true when the subscription reached its limit.
    func deliver(_ message: NATSMessage) -> Bool {
        let (allowed, reached) = limit.withLock { l -> (Bool, Bool) in
            if l.finished { return (false, false) }
            if let max = l.max, l.delivered >= max { return (false, true) }
            l.delivered += 1
            return (true, l.max.map { l.delivered >= $0 } ?? false)
        }
        if allowed {
            if let observer { observer(message) } else { mailbox.put(message) }
        }
        if reached { finish() }
        return reached
    }

    func finish() {
        limit.withLock { $0.finished = true }
        mailbox.finish()
    }

    /// The next message; nil once the subscription has ended and its buffer is empty, or when
    /// the calling task is cancelled (the subscription itself goes on).
    func nextMessage() async -> NATSMessage? {
        await mailbox.next()
    }

    /// Waits for the next message up to `timeout`; nil on timeout or when the subscription ended.
    public func next(timeout: Duration) async -> NATSMessage? {
        await mailbox.next(timeout: timeout)
    }
}
