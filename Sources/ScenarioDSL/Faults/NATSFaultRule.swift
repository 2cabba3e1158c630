import GreenticTestKit

/// One fault the NATS fault proxy applies to the messages of matching subjects: what it does,
/// in which direction, and to which of them (each one, every Nth, or with a probability drawn
/// from the proxy's seed).
public struct NATSFaultRule: Sendable, Equatable, CustomStringConvertible {
    /// Which way a message travels through the proxy.
    public enum Direction: String, Sendable, Equatable, CaseIterable {
        /// `PUB`/`HPUB` from a client to the server.
        case toServer = "to_server"
        /// `MSG`/`HMSG` from the server to a subscriber.
        case toClient = "to_client"
        case both
    }

    /// What happens to a chosen message.
    public enum Action: Sendable, Equatable, CustomStringConvertible {
        case drop
        /// Sent twice, back to back.
        case duplicate
        /// Held for `by` plus up to `jitter` (drawn from the seed); later messages pass it.
        case delay(by: Duration, jitter: Duration = .zero)
        /// Chosen messages are held until `window` of them are waiting (or the oldest has waited
        /// `maxHold`), then sent in an order drawn from the seed that is never the order they came in.
        case reorder(window: Int, maxHold: Duration = .milliseconds(250))
        /// `bytes` body bytes changed; the frame stays valid.
        case corrupt(bytes: Int = 1)

        public var description: String {
            switch self {
            case .drop: "drop"
            case .duplicate: "duplicate"
            case .delay(let by, let jitter): jitter == .zero ? "delay \(by)" : "delay \(by) + jitter \(jitter)"
            case .reorder(let window, _): "reorder window \(window)"
            case .corrupt(let bytes): "corrupt \(bytes) byte\(bytes == 1 ? "" : "s")"
            }
        }
    }

    /// Which matching messages the action applies to.
    public enum Trigger: Sendable, Equatable, CustomStringConvertible {
        case always
        /// The Nth, 2Nth, … matching message (counted per subject and direction).
        case everyNth(Int)
        /// Each matching message with this probability, drawn from the seed.
        case probability(Double)

        public var description: String {
            switch self {
            case .always: "always"
            case .everyNth(let n): "every \(n)th"
            case .probability(let p): "p=\(p)"
            }
        }
    }

    public var name: String
    public var subjects: SubjectPattern
    public var direction: Direction
    public var action: Action
    public var trigger: Trigger

    /// A rule; `name` (default: a description of it) identifies it in fault events and removal.
    public init(_ action: Action, subjects: String, direction: Direction = .toServer, trigger: Trigger = .always, name: String? = nil) throws {
        switch action {
        case .reorder(let window, let maxHold) where window < 2 || maxHold <= .zero:
            throw NATSFaultRuleError("a reorder window holds at least 2 messages for a positive time, not \(window) for \(maxHold)")
        case .delay(let by, let jitter) where by < .zero || jitter < .zero:
            throw NATSFaultRuleError("a delay and its jitter are not negative (\(by), \(jitter))")
        case .corrupt(let bytes) where bytes < 1:
            throw NATSFaultRuleError("a corruption changes at least one byte, not \(bytes)")
        default: break
        }
        switch trigger {
        case .everyNth(let n) where n < 1: throw NATSFaultRuleError("every Nth needs N ≥ 1, not \(n)")
        case .probability(let p) where !(0...1).contains(p): throw NATSFaultRuleError("a probability is within 0…1, not \(p)")
        default: break
        }
        guard !subjects.isEmpty, !subjects.contains(" ") else { throw NATSFaultRuleError("'\(subjects)' is not a NATS subject or pattern") }
        self.subjects = SubjectPattern(subjects)
        self.action = action
        self.direction = direction
        self.trigger = trigger
        self.name = name ?? "\(action) \(subjects) \(direction.rawValue) \(trigger)"
    }

    public var description: String { name }

    func applies(to direction: Direction) -> Bool {
        self.direction == .both || self.direction == direction
    }
}
