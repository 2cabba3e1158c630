

/// Matching records and what could not be read.
public struct SessionListing: Sendable {
    public var records: [SessionRecord]
    /// One line per unreadable record, naming it.
    public var errors: [String]

    public init(records: [SessionRecord], errors: [String]) {
        self.records = records
        self.errors = errors
    }
}
