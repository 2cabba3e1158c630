/// One fault the NATS fault proxy applied: which rule, to which message (the `index`th matching
/// message on that subject in that direction), for the timeline and for assertions.
public struct NATSFaultEvent: Sendable, Equatable, CustomStringConvertible {
    public let rule: String
    public let action: String
    public let subject: String
    public let direction: NATSFaultRule.Direction
    public let index: Int

    public var description: String { "\(action) \(direction.rawValue) '\(subject)' #\(index) (rule '\(rule)')" }
}
