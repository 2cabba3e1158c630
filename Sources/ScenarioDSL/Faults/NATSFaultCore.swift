import Synchronization

/// What the NATS fault proxy's connections share: the plan (rules, counts, seed) and the faults
/// applied so far, the last 10,000 of them kept, each also handed to `onFault` as it happens.
final class NATSFaultCore: Sendable {
    static let keptEvents = 10_000
    private let plan: Mutex<NATSFaultPlan>
    private let log = Mutex<(events: [NATSFaultEvent], total: Int, problems: [String])>(([], 0, []))
    let onFault: @Sendable (NATSFaultEvent) -> Void

    init(seed: UInt64, onFault: @escaping @Sendable (NATSFaultEvent) -> Void) {
        self.plan = Mutex(NATSFaultPlan(seed: seed))
        self.onFault = onFault
    }

    var seed: UInt64 { plan.withLock { $0.seed } }
    var rules: [NATSFaultRule] { plan.withLock { $0.rules } }

    func add(_ rule: NATSFaultRule) { plan.withLock { $0.add(rule) } }
    func remove(named name: String) -> Bool { plan.withLock { $0.remove(named: name) } }
    func removeAll() { plan.withLock { $0.removeAll() } }

    func decide(subject: String, direction: NATSFaultRule.Direction) -> NATSFaultPlan.Decision? {
        plan.withLock { $0.decide(subject: subject, direction: direction) }
    }

    func record(_ event: NATSFaultEvent) {
        log.withLock {
            $0.total += 1
            $0.events.append(event)
            if $0.events.count > Self.keptEvents { $0.events.removeFirst($0.events.count - Self.keptEvents) }
        }
        onFault(event)
    }

    /// A connection closed because its bytes could not be framed (kept: the last 100).
    func reportClosed(direction: NATSFaultRule.Direction, reason: String) {
        log.withLock {
            $0.problems.append("\(direction.rawValue): \(reason)")
            if $0.problems.count > 100 { $0.problems.removeFirst() }
        }
    }

    var events: [NATSFaultEvent] { log.withLock { $0.events } }
    var totalEvents: Int { log.withLock { $0.total } }
    var problems: [String] { log.withLock { $0.problems } }
}
