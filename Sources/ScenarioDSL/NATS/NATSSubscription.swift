import Foundation
import GreenticTestKit
import Synchronization

/// A subscription's messages as an async sequence. Ends on `unsubscribe()`, after the
/// `max` messages of `unsubscribe(after:)`, or when the connection closes. Waiting with a
/// timeout (`next(timeout:)`) never ends the subscription. A consumer that falls behind by more
/// than its pending limits loses the newest messages, counted in `droppedCount`, instead of
/// growing without bound.
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
    /// The most this subscription queues before it drops (from `NATSClient.Options.pendingLimits`).
    public let limits: NATSClient.PendingLimits
    /// Payload bytes queued and messages dropped for the pending limits.
    private let pending = Mutex<(bytes: Int, dropped: Int)>((0, 0))

    init(sid: UInt64, subject: String, queue: String?, client: NATSClient, limits: NATSClient.PendingLimits,
         observer: (@Sendable (NATSMessage) -> Void)? = nil) {
        self.observer = observer
        self.limits = limits
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

    /// Messages dropped because the subscription's pending limits were reached (a slow consumer).
    public var droppedCount: Int { pending.withLock { $0.dropped } }

    /// Payload bytes received and not yet consumed.
    public var pendingBytes: Int { pending.withLock { $0.bytes } }

    /// Delivers messages with at most one wake-up: those the `unsubscribe(after:)` limit allows,
    /// and of those, what fits the pending limits (the rest are counted as dropped). Returns true
    /// when the subscription reached its limit.
    func deliver(_ messages: some Collection<NATSMessage>) -> Bool {
        let (allowed, reached) = limit.withLock { l -> (Int, Bool) in
            if l.finished { return (0, false) }
            var n = messages.count
            if let max = l.max { n = Swift.min(n, Swift.max(0, max - l.delivered)) }
            l.delivered += n
            return (n, l.max.map { l.delivered >= $0 } ?? false)
        }
        if let observer {
            messages.prefix(allowed).forEach(observer)
        } else if allowed > 0 {
            let queued = mailbox.count
            let (kept, firstDrop) = pending.withLock { p -> (Int, Bool) in
                var kept = 0
                for message in messages.prefix(allowed) {
                    guard queued + kept < limits.messages, p.bytes + message.payload.count <= limits.bytes else { break }
                    p.bytes += message.payload.count
                    kept += 1
                }
                let firstDrop = kept < allowed && p.dropped == 0
                p.dropped += allowed - kept
                return (kept, firstDrop)
            }
            if kept == messages.count {
                mailbox.put(contentsOf: Array(messages))
            } else if kept > 0 {
                mailbox.put(contentsOf: Array(messages.prefix(kept)))
            }
            if firstDrop { client?.reportSlowConsumer(self) }
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
        consumed(await mailbox.next())
    }

    private func consumed(_ message: NATSMessage?) -> NATSMessage? {
        if let message { pending.withLock { $0.bytes -= message.payload.count } }
        return message
    }

    /// Waits for the next message up to `timeout`; nil on timeout or when the subscription ended.
    public func next(timeout: Duration) async -> NATSMessage? {
        consumed(await mailbox.next(timeout: timeout))
    }
}
