import Foundation
import GreenticSessions
import GreenticTestKit

/// The address of one state value: runner prefix `pack/<pack>/flow/<flow>/session/<session>`
/// under `greentic:state:<env>:<tenant>:<team>:`.
package struct RunnerStateKey: Sendable, Hashable, Comparable {
    public var env: String
    public var tenant: String
    public var team: String
    public var key: String

    public init(env: String, tenant: String, team: String, key: String) {
        self.env = env
        self.tenant = tenant
        self.team = team
        self.key = key
    }

    /// `greentic:state:<env>:<tenant>:<team>:<key>`.
    public var fullyQualified: String { "greentic:state:\(env):\(tenant):\(team):\(key)" }

    public static func < (a: Self, b: Self) -> Bool { (a.team, a.key) < (b.team, b.key) }
}
