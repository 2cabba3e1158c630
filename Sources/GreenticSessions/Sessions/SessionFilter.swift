import Foundation
import GreenticTestKit
import Synchronization

/// Which sessions an operation applies to; an absent field matches anything. A record without
/// a team never matches a team filter (likewise user).
public struct SessionFilter: Sendable, Equatable {
    public var tenant: String?
    public var team: String?
    public var user: String?

    public init(tenant: String? = nil, team: String? = nil, user: String? = nil) {
        self.tenant = tenant
        self.team = team
        self.user = user
    }

    public var isEmpty: Bool { tenant == nil && team == nil && user == nil }

    public func matches(_ r: SessionRecord) -> Bool {
        (tenant == nil || r.tenant == tenant) && (team == nil || r.team == team) && (user == nil || r.user == user)
    }
}
