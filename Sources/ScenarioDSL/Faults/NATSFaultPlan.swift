import GreenticTestKit

/// The NATS fault proxy's decisions: the active rules, and for each (rule, direction, subject)
/// how many matching messages have passed. Whether a rule fires on a message, and every random
/// choice it then makes, is drawn from the seed, the rule's name, the subject and that count —
/// never from a shared sequence — so the same seed gives the same faults to the same messages
/// however the connections interleave.
struct NATSFaultPlan: Sendable {
    /// A rule that fired on a message, with the generator for the choices it makes.
    struct Decision {
        let rule: NATSFaultRule
        let event: NATSFaultEvent
        var random: SplitMix64
    }

    let seed: UInt64
    private(set) var rules: [NATSFaultRule] = []
    private var counts: [String: Int] = [:]
    /// Counters kept before they are reset: one per (rule, direction, subject) seen.
    static let maxCounters = 100_000

    init(seed: UInt64) { self.seed = seed }

    /// Adds `rule`, replacing one of the same name (its counts start again).
    mutating func add(_ rule: NATSFaultRule) {
        remove(named: rule.name)
        rules.append(rule)
    }

    @discardableResult
    mutating func remove(named name: String) -> Bool {
        let before = rules.count
        rules.removeAll { $0.name == name }
        counts = counts.filter { !$0.key.hasPrefix(name + "\u{0}") }
        return rules.count != before
    }

    mutating func removeAll() {
        rules = []
        counts = [:]
    }

    /// The first rule that matches the message and fires on it; nil when the message passes.
    /// Every matching rule counts the message, so a rule's `index` is the message's place among
    /// all messages on that subject and direction, whichever rule took the ones before.
    mutating func decide(subject: String, direction: NATSFaultRule.Direction) -> Decision? {
        var chosen: Decision?
        for rule in rules where rule.applies(to: direction) && rule.subjects.matches(subject) {
            let key = "\(rule.name)\u{0}\(direction.rawValue)\u{0}\(subject)"
            if counts.count >= Self.maxCounters, counts[key] == nil { counts = [:] }
            let index = counts[key, default: 0] + 1
            counts[key] = index
            guard chosen == nil else { continue }
            var random = SplitMix64(seed: seed ^ SplitMix64.hash(key) ^ (UInt64(index) &* 0x9E37_79B9_7F4A_7C15))
            let fires: Bool
            switch rule.trigger {
            case .always: fires = true
            case .everyNth(let n): fires = index % n == 0
            case .probability(let p): fires = random.nextUnit() < p
            }
            guard fires else { continue }
            let event = NATSFaultEvent(rule: rule.name, action: rule.action.description, subject: subject, direction: direction, index: index)
            chosen = Decision(rule: rule, event: event, random: random)
        }
        return chosen
    }
}
