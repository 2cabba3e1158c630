/// A fault rule that cannot be applied, with the reason.
public struct NATSFaultRuleError: Error, CustomStringConvertible, Equatable {
    public let description: String
    init(_ description: String) { self.description = description }
}
