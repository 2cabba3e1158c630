import Synchronization

/// A single-consumer queue between a producer and an async reader: `put` never blocks,
/// `next()` waits, `next(timeout:)` gives up without losing anything or ending the queue.
public final class AsyncMailbox<Element: Sendable>: Sendable {
    private struct State {
        var buffered: [Element] = []
        var waiter: (id: UInt64, continuation: CheckedContinuation<Element?, Never>)?
        var nextWaiterID: UInt64 = 0
        var finished = false
    }
    private let state = Mutex(State())

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

    /// No more elements; a waiting reader gets nil once the buffer is drained.
    public func finish() {
        let waiter = state.withLock { s -> CheckedContinuation<Element?, Never>? in
            s.finished = true
            defer { s.waiter = nil }
            return s.waiter?.continuation
        }
        waiter?.resume(returning: nil)
    }

    /// The next element; nil when finished and empty, or when the calling task is cancelled.
    public func next() async -> Element? {
        let id = state.withLock { s -> UInt64 in
            s.nextWaiterID += 1
            return s.nextWaiterID
        }
        return await withTaskCancellationHandler {
            await withCheckedContinuation { (c: CheckedContinuation<Element?, Never>) in
                let now = state.withLock { s -> Element?? in
                    if !s.buffered.isEmpty { return .some(s.buffered.removeFirst()) }
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

    /// Waits up to `timeout`; nil on timeout or when finished.
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
