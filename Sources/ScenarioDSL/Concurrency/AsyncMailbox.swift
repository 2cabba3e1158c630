import Synchronization

/// A single-consumer queue between producers and an async reader: `put` never blocks and wakes
/// the reader at most once per call, `next()` waits, and `next(timeout:)` gives up without
/// losing anything or ending the queue. Used by NATS subscriptions and WebSocket sessions.
package final class AsyncMailbox<Element: Sendable>: Sendable {
    private struct State {
        var buffered: [Element] = []
        var head = 0
        var waiter: (id: UInt64, continuation: CheckedContinuation<Element?, Never>)?
        var nextWaiterID: UInt64 = 0
        var finished = false

        /// Dequeues in O(1); the consumed prefix is dropped once it is most of the buffer.
        mutating func take() -> Element? {
            guard head < buffered.count else { return nil }
            let element = buffered[head]
            head += 1
            if head > 1024 && head * 2 > buffered.count {
                buffered.removeFirst(head)
                head = 0
            }
            return element
        }
    }
    private let state = Mutex(State())

    /// What a reader finds without waiting.
    private enum Quick { case element(Element), finished, wait(UInt64) }

    public init() {}

    public func put(_ element: Element) {
        let waiter = state.withLock { s -> CheckedContinuation<Element?, Never>? in
            if s.finished { return nil }
            if let w = s.waiter {
                s.waiter = nil
                return w.continuation
            }
            s.buffered.append(element)
            return nil
        }
        waiter?.resume(returning: element)
    }

    /// Enqueues several elements with one lock and at most one wake-up, in order.
    public func put(contentsOf elements: [Element]) {
        guard let first = elements.first else { return }
        let waiter = state.withLock { s -> CheckedContinuation<Element?, Never>? in
            if s.finished { return nil }
            if let w = s.waiter {
                // A waiting reader means the buffer is empty: it takes the first, the rest wait.
                s.waiter = nil
                s.buffered.append(contentsOf: elements.dropFirst())
                return w.continuation
            }
            s.buffered.append(contentsOf: elements)
            return nil
        }
        waiter?.resume(returning: first)
    }

    /// Elements waiting to be read.
    public var count: Int { state.withLock { $0.buffered.count - $0.head } }

    /// No more elements; a waiting reader gets nil once the buffer is drained.
    public func finish() {
        let waiter = state.withLock { s -> CheckedContinuation<Element?, Never>? in
            s.finished = true
            defer { s.waiter = nil }
            return s.waiter?.continuation
        }
        waiter?.resume(returning: nil)
    }

    /// The next element; nil when finished and empty, or when the calling task is cancelled
    /// (the queue itself goes on).
    public func next() async -> Element? {
        let quick = state.withLock { s -> Quick in
            if let element = s.take() { return .element(element) }
            if s.finished { return .finished }
            s.nextWaiterID += 1
            return .wait(s.nextWaiterID)
        }
        let id: UInt64
        switch quick {
        case .element(let element): return element
        case .finished: return nil
        case .wait(let waiterID): id = waiterID
        }
        return await withTaskCancellationHandler {
            await withCheckedContinuation { (c: CheckedContinuation<Element?, Never>) in
                let now = state.withLock { s -> Element?? in
                    if let element = s.take() { return .some(element) }
                    if s.finished || Task.isCancelled { return .some(nil) }
                    s.waiter = (id, c)
                    return .none
                }
                if let now { c.resume(returning: now) }
            }
        } onCancel: {
            let waiter = state.withLock { s -> CheckedContinuation<Element?, Never>? in
                guard let w = s.waiter, w.id == id else { return nil }
                s.waiter = nil
                return w.continuation
            }
            waiter?.resume(returning: nil)
        }
    }

    /// Waits up to `timeout`; nil on timeout or when finished. An element that races in with
    /// the timer is kept for the next call.
    public func next(timeout: Duration) async -> Element? {
        await withTaskGroup(of: Element?.self) { group in
            group.addTask { await self.next() }
            group.addTask {
                try? await Task.sleep(for: timeout)
                return nil
            }
            let first = await group.next() ?? nil
            group.cancelAll()
            if first == nil { return await group.next() ?? nil }
            return first
        }
    }
}
