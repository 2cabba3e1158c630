import Foundation
import GreenticTestKit

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
