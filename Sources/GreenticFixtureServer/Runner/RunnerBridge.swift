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
