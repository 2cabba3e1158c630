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

    private struct Mailbox {
        var buffered: [NATSMessage] = []
        var head = 0
        var waiter: (id: UInt64, continuation: CheckedContinuation<NATSMessage?, Never>)?
        var nextWaiterID: UInt64 = 0
        var finished = false
        var max: Int?
        var delivered = 0

        mutating func take() -> NATSMessage? {
            guard head < buffered.count else { return nil }
            let message = buffered[head]
            head += 1
            if head > 1024 && head * 2 > buffered.count {
                buffered.removeFirst(head)
                head = 0
            }
            return message
        }
    }
    private let mailbox = Mutex(Mailbox())

    init(sid: UInt64, subject: String, queue: String?, client: NATSClient) {
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
        mailbox.withLock { m in m.max.map { Swift.max(0, $0 - m.delivered) } }
    }

    /// Ends the subscription after `max` messages in total have been delivered.
    public func unsubscribe(after max: Int) async throws {
        let done = mailbox.withLock { m -> Bool in
            m.max = max
            return m.delivered >= max
        }
        if done {
            try await unsubscribe()
        } else {
            try client?.unsubscribe(sid, after: max)
        }
    }

    /// Messages received and not yet consumed.
    public var pendingCount: Int {
        mailbox.withLock { $0.buffered.count - $0.head }
    }

    /// Delivers several messages with one lock and at most one wake-up; returns true when the
    /// subscription reached its limit.
    func deliver(contentsOf messages: [NATSMessage]) -> Bool {
        if messages.count == 1 { return deliver(messages[0]) }
        let (waiter, first, reachedLimit) = mailbox.withLock { m -> (CheckedContinuation<NATSMessage?, Never>?, NATSMessage?, Bool) in
            if m.finished { return (nil, nil, false) }
            var reached = false
            var handOff: NATSMessage?
            var waiter: CheckedContinuation<NATSMessage?, Never>?
            for message in messages {
                if let max = m.max, m.delivered >= max { reached = true; break }
                m.delivered += 1
                if let w = m.waiter, handOff == nil {
                    m.waiter = nil
                    waiter = w.continuation
                    handOff = message
                } else {
                    m.buffered.append(message)
                }
                if let max = m.max, m.delivered >= max { reached = true; break }
            }
            return (waiter, handOff, reached)
        }
        if let waiter { waiter.resume(returning: first) }
        if reachedLimit { finish() }
        return reachedLimit
    }

    /// Delivers a message; returns true when the subscription reached its limit.
    func deliver(_ message: NATSMessage) -> Bool {
        let (waiter, reachedLimit) = mailbox.withLock { m -> (CheckedContinuation<NATSMessage?, Never>?, Bool) in
            if m.finished { return (nil, false) }
            if let max = m.max, m.delivered >= max { return (nil, true) }
            m.delivered += 1
            let reached = m.max.map { m.delivered >= $0 } ?? false
            if let waiter = m.waiter {
                m.waiter = nil
                return (waiter.continuation, reached)
            }
            m.buffered.append(message)
            return (nil, reached)
        }
        waiter?.resume(returning: message)
        if reachedLimit { finish() }
        return reachedLimit
    }

    func finish() {
        let waiter = mailbox.withLock { m -> CheckedContinuation<NATSMessage?, Never>? in
            m.finished = true
            defer { m.waiter = nil }
            return m.waiter?.continuation
        }
        waiter?.resume(returning: nil)
    }

    /// The next message; nil once the subscription has ended and its buffer is empty, or when
    /// the calling task is cancelled (the subscription itself goes on).
    func nextMessage() async -> NATSMessage? {
        // Fast path: a buffered message needs no suspension.
        enum Quick { case message(NATSMessage), finished, wait(UInt64) }
        let quick = mailbox.withLock { m -> Quick in
            if let message = m.take() { return .message(message) }
            if m.finished { return .finished }
            m.nextWaiterID += 1
            return .wait(m.nextWaiterID)
        }
        let id: UInt64
        switch quick {
        case .message(let message): return message
        case .finished: return nil
        case .wait(let waiterID): id = waiterID
        }
        return await withTaskCancellationHandler {
            await withCheckedContinuation { (c: CheckedContinuation<NATSMessage?, Never>) in
                enum Action { case resume(NATSMessage?), wait }
                let action = mailbox.withLock { m -> Action in
                    if let message = m.take() { return .resume(message) }
                    if m.finished || Task.isCancelled { return .resume(nil) }
                    m.waiter = (id, c)
                    return .wait
                }
                if case .resume(let message) = action { c.resume(returning: message) }
            }
        } onCancel: {
            let waiter = mailbox.withLock { m -> CheckedContinuation<NATSMessage?, Never>? in
                guard let w = m.waiter, w.id == id else { return nil }
                m.waiter = nil
                return w.continuation
            }
            waiter?.resume(returning: nil)
        }
    }

    /// Waits for the next message up to `timeout`; nil on timeout or when the subscription ended.
    public func next(timeout: Duration) async -> NATSMessage? {
        await withTaskGroup(of: NATSMessage?.self) { group in
            group.addTask { await self.nextMessage() }
            group.addTask {
                try? await Task.sleep(for: timeout)
                return nil
            }
            let first = await group.next() ?? nil
            group.cancelAll()
            if first == nil {
                // The timer won; a message that raced in is kept for the next call.
                return await group.next() ?? nil
            }
            return first
        }
    }
}
