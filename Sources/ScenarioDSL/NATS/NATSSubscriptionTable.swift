import Synchronization

/// The client's subscriptions by sid, and the delivery of each read's messages: replies to their
/// requests (on the inbox's subscription or a tap covering it), observed subscriptions (the wiretap) one message at a time in arrival order, queued
/// subscriptions their share in one wake-up each.
final class NATSSubscriptionTable: Sendable {
    private struct State {
        var nextSid: UInt64 = 1
        var subscriptions: [UInt64: NATSSubscription] = [:]
        var closed = false
    }

    private let state = Mutex(State())

    /// A fresh sid (also used by the request mux).
    func allocateSid() -> UInt64 {
        state.withLock { s in
            defer { s.nextSid += 1 }
            return s.nextSid
        }
    }

    /// Adds a subscription made with a fresh sid; nil when the client is closed.
    func add(_ make: (UInt64) -> NATSSubscription) -> NATSSubscription? {
        state.withLock { s in
            guard !s.closed else { return nil }
            let sub = make(s.nextSid)
            s.nextSid += 1
            s.subscriptions[sub.sid] = sub
            return sub
        }
    }

    @discardableResult
    func remove(_ sid: UInt64) -> NATSSubscription? {
        state.withLock { $0.subscriptions.removeValue(forKey: sid) }
    }

    /// Every subscription in sid order (to restore them after a reconnect).
    var all: [NATSSubscription] {
        state.withLock { $0.subscriptions.values.sorted { $0.sid < $1.sid } }
    }

    var sids: [UInt64] { state.withLock { Array($0.subscriptions.keys) } }

    /// A tap (an observed subscription, no queue group, no message limit) that receives every
    /// message `pattern` matches, other than `excluded`; nil when there is none.
    func coveringTap(of pattern: SubjectPattern, excluding excluded: UInt64? = nil) -> UInt64? {
        state.withLock { s in
            s.subscriptions.values
                .filter { $0.sid != excluded && $0.observer != nil && $0.queue == nil && $0.remainingBeforeLimit == nil && SubjectPattern($0.subject).covers(pattern) }
                .map(\.sid).min()
        }
    }

    /// Ends every subscription and accepts no more.
    func close() {
        let subs = state.withLock { s -> [NATSSubscription] in
            s.closed = true
            defer { s.subscriptions = [:] }
            return Array(s.subscriptions.values)
        }
        subs.forEach { $0.finish() }
    }

    /// Delivers the messages of one read.
    func deliver(_ messages: [NATSMessage], requests: NATSRequestRouter) {
        var grouped: [UInt64: (NATSSubscription, [NATSMessage])] = [:]
        var order: [UInt64] = []
        // Observed subscriptions get their messages one by one in arrival order across all of
        // them (grouping by subscription would reorder messages of different subjects).
        var observed: [(NATSSubscription, NATSMessage)] = []
        var replies: [(NATSRequestRouter.Waiter, NATSMessage)] = []
        let muxSid = requests.sid
        state.withLock { s in
            for message in messages {
                if message.sid == muxSid { continue }
                guard let sub = s.subscriptions[message.sid] else { continue }
                if sub.observer != nil {
                    observed.append((sub, message))
                } else if grouped[message.sid] == nil {
                    order.append(message.sid)
                    grouped[message.sid] = (sub, [message])
                } else {
                    grouped[message.sid]!.1.append(message)
                }
            }
        }
        // A reply is taken whichever subscription it came on: the inbox's own, or a tap that
        // covers it (which records it as well).
        for message in messages {
            if let waiter = requests.take(reply: message) { replies.append((waiter, message)) }
        }
        for (sub, message) in observed where sub.deliver(CollectionOfOne(message)) { remove(sub.sid) }
        for sid in order {
            let (sub, list) = grouped[sid]!
            if sub.deliver(list) { remove(sid) }
        }
        for (waiter, message) in replies { NATSRequestRouter.resume(waiter, with: message) }
    }
}
