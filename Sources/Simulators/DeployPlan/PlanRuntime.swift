import Foundation
import GreenticTestKit
import Synchronization

/// What the deploy-plan component needs from its host: a way to report status and the plan.
package protocol PlanRuntime: Sendable {
    func emitStatus(_ message: String)
    /// The deployment plan as text (JSON, or anything the host provides).
    func deploymentPlan() throws -> String
}
