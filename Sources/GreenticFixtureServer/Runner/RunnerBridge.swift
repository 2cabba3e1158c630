import Foundation
import GreenticTestKit

/// Where flow activities go: a real runner over HTTP (`HTTPRunnerBridge`) or the built-in
/// `EchoRunner` when none is configured.
package protocol RunnerBridge: Sendable {
    /// `echo` or the runner's base URL.
    var description: String { get }
    /// Sends one activity and returns the runner's result.
    func activity(_ request: RunnerActivity) async throws -> JSONValue
    /// Tells the runner the pack index changed.
    func reload(packs: [PackEntry], defaults: TenantDefaults) async throws
}

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

/// The runner answered with an error or not at all.
package enum RunnerBridgeError: Error, CustomStringConvertible, Equatable {
    case unreachable(url: String, reason: String)
    case failed(url: String, status: Int, body: String)
    case invalidAnswer(String)
    case timedOut(url: String, after: Duration)

    public var description: String {
        switch self {
        case .unreachable(let url, let reason): "runner at \(url) is unreachable: \(reason)"
        case .failed(let url, let status, let body): "runner at \(url) answered \(status): \(body.prefix(500))"
        case .invalidAnswer(let reason): "runner answer is not usable: \(reason)"
        case .timedOut(let url, let after): "runner at \(url) did not answer within \(after)"
        }
    }
}

/// The built-in runner used when no runner URL is configured: answers every activity with
/// `{"echo": payload, "flow": flow, "status": "ok"}`, exactly as the original did.
package struct EchoRunner: RunnerBridge {
    public var description: String { "echo" }

    public init() {}

    public func activity(_ request: RunnerActivity) async throws -> JSONValue {
        ["echo": request.payload, "flow": .string(request.flow), "status": "ok"]
    }

    public func reload(packs: [PackEntry], defaults: TenantDefaults) async throws {}
}
