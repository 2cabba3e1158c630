import Foundation
import GreenticTestKit
import Synchronization

/// Records the messages a scenario can see, in the order the NATS client read them off the
/// connection, writes each to the timeline at that moment, and wakes whatever waits for them.
///
/// The wiretap subscribes to its patterns with observer subscriptions (`NATSClient.tap`): the
/// client hands over each message on its connection thread as it parses the frame, so the
/// wiretap's order is arrival order and no consumer task can lag behind. A message matched by
/// several subscribed patterns reaches each of them; it is kept once, by the first pattern (in the
/// order given) that matches its subject — that subscription always receives it too. A pattern
/// an earlier one covers is not subscribed at all, so under a `>` wiretap every message crosses
/// the connection once.
final class Wiretap: Sendable {
    struct Seen: Sendable {
        /// The client's arrival number (`NATSMessage.arrival`).
        var sequence: Int
        var message: NATSMessage
        var at: ContinuousClock.Instant
    }

    /// Messages kept before the wiretap stops recording (`E2E_WIRETAP_LIMIT`).
    static let defaultLimit = 200_000

    private struct Waiter {
        var count: Int
        var continuation: CheckedContinuation<Void, Never>
    }
    private struct State {
        var seen: [Seen] = []
        var dropped = 0
        var waiters: [UInt64: Waiter] = [:]
        var nextWaiter: UInt64 = 0
    }
    private let state = Mutex(State())
    private let patterns = Mutex<[SubjectPattern]>([])
    let timeline: Timeline?
    let limit: Int

    init(timeline: Timeline?, limit: Int = Wiretap.defaultLimit) {
        self.timeline = timeline
        self.limit = limit
    }

    /// Subscribes to each pattern that no earlier pattern covers; the caller flushes.
    func attach(to nats: NATSClient, patterns wanted: [String]) async throws -> [NATSSubscription] {
        var subscriptions: [NATSSubscription] = []
        for text in wanted {
            let pattern = SubjectPattern(text)
            let index = patterns.withLock { list -> Int? in
                // A pattern an earlier one covers (`orders.created` under `>`) gets no
                // subscription of its own: the server would send each of its messages twice.
                if list.contains(where: { $0.covers(pattern) }) { return nil }
                list.append(pattern)
                return list.count - 1
            }
            guard let index else { continue }
            subscriptions.append(try await nats.tap(text) { [self] message in record(message, via: index) })
        }
        return subscriptions
    }

    /// The patterns listened on, in order.
    var listening: [String] { patterns.withLock { $0.map(\.text) } }

    func record(_ message: NATSMessage, via index: Int) {
        let owner = patterns.withLock { list in list.firstIndex { $0.matches(message.subject) } }
        guard owner == index else { return }
        let entry = Seen(sequence: Int(message.arrival), message: message, at: message.receivedAt ?? .now)
        let (kept, woken) = state.withLock { s -> (Bool, [CheckedContinuation<Void, Never>]) in
            guard s.seen.count < limit else {
                s.dropped += 1
                return (false, [])
            }
            s.seen.append(entry)
            var woken: [CheckedContinuation<Void, Never>] = []
            for (id, waiter) in s.waiters where waiter.count < s.seen.count {
                woken.append(waiter.continuation)
                s.waiters[id] = nil
            }
            return (true, woken)
        }
        if kept {
            if let timeline {
                let evidence = timeline.evidence
                timeline.append(kind: "message", source: "wiretap", writing: { TimelineEvents.writeMessage(message, evidence: evidence, into: &$0) })
            }
        } else if dropped == 1 {
            timeline?.append(kind: "env", source: "wiretap", data: ["event": "full", "limit": .number(Double(limit))])
        }
        woken.forEach { $0.resume() }
    }

    /// Messages recorded so far.
    var count: Int { state.withLock { $0.seen.count } }

    /// Messages not kept because the wiretap was full.
    var dropped: Int { state.withLock { $0.dropped } }

    /// Every message recorded, in arrival order.
    var all: [Seen] { state.withLock { $0.seen } }

    /// The messages from position `start` on (for checking only what is new).
    func messages(from start: Int) -> ArraySlice<Seen> {
        state.withLock { s in start < s.seen.count ? s.seen[start...] : [] }
    }

    /// Returns once more than `count` messages are recorded, at `deadline`, or when the task is
    /// cancelled — whichever comes first. Never polls.
    func waitForMore(than count: Int, until deadline: ContinuousClock.Instant) async {
        let id = state.withLock { s -> UInt64 in
            s.nextWaiter += 1
            return s.nextWaiter
        }
        let timer = Task { [self] in
            try? await Task.sleep(until: deadline, clock: .continuous)
            wake(id)
        }
        await withTaskCancellationHandler {
            await withCheckedContinuation { (c: CheckedContinuation<Void, Never>) in
                let now = state.withLock { s -> Bool in
                    if s.seen.count > count || timer.isCancelled || ContinuousClock.now >= deadline { return true }
                    s.waiters[id] = Waiter(count: count, continuation: c)
                    return false
                }
                if now { c.resume() }
            }
        } onCancel: {
            wake(id)
        }
        timer.cancel()
    }

    private func wake(_ id: UInt64) {
        state.withLock { $0.waiters.removeValue(forKey: id) }?.continuation.resume()
    }

    /// When the last message matching `pattern` arrived.
    func lastArrival(matching pattern: SubjectPattern) -> ContinuousClock.Instant? {
        state.withLock { s in s.seen.last { pattern.matches($0.message.subject) }?.at }
    }
}
