import Foundation
import GreenticTestKit

/// One activity for a flow.
package struct RunnerActivity: Sendable, Equatable {
    public var flow: String
    public var tenant: String?
    public var team: String?
    public var user: String?
    public var payload: JSONValue
    /// The stored session a resume continues (`{key, node_id, context}`), nil for a new turn.
    public var session: JSONValue?

    public init(flow: String, tenant: String?, team: String?, user: String?, payload: JSONValue, session: JSONValue? = nil) {
        self.flow = flow
        self.tenant = tenant
        self.team = team
        self.user = user
        self.payload = payload
        self.session = session
    }

    /// `{"flow","payload","team","tenant","user"}` as sent to `/runner/activity`, plus
    /// `"session"` when resuming.
    public var json: JSONValue {
        var o: [String: JSONValue] = [
            "flow": .string(flow), "payload": payload, "team": team.map { .string($0) } ?? .null,
            "tenant": tenant.map { .string($0) } ?? .null, "user": user.map { .string($0) } ?? .null,
        ]
        if let session { o["session"] = session }
        return .object(o)
    }
}
