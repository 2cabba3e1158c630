

/// A store's self-reported state.
public struct StoreHealth: Sendable, Equatable {
    /// The store answers.
    public var ok: Bool
    public var detail: String
    /// Data it holds but cannot read (a corrupt Redis record, by key): the store still serves.
    public var problems: [String]

    public init(ok: Bool, detail: String, problems: [String] = []) {
        self.ok = ok
        self.detail = detail
        self.problems = problems
    }
}
