import Foundation
import GreenticTestKit
import Synchronization

/// The deploy-plan component: fetch the plan from the host, write it (pretty JSON with sorted
/// keys when it parses, else verbatim) to `<output root>/plan.json`, reporting status on the way.
package enum DeployPlanComponent {
    /// Runs the component; returns the host path written, or the error text as the original did.
    @discardableResult
    public static func run(runtime: any PlanRuntime, sandbox: IacSandbox, outputRoot: String = "/iac") throws -> URL {
        runtime.emitStatus("deploy-plan-component: fetching deployment plan")
        let plan: String
        do { plan = try runtime.deploymentPlan() } catch { throw DeployPlanError.runtime("\(error)") }
        let content = (try? JSONValue.parse(plan)).map(JSONWriter.pretty) ?? plan
        let guestFile = outputRoot + "/plan.json"
        let target = try sandbox.hostURL(for: guestFile)
        runtime.emitStatus("deploy-plan-component: writing \(guestFile)")
        do {
            try FileManager.default.createDirectory(at: target.deletingLastPathComponent(), withIntermediateDirectories: true)
            try Data(content.utf8).write(to: target, options: .atomic)
        } catch {
            throw DeployPlanError.runtime("cannot write \(guestFile): \(error)")
        }
        runtime.emitStatus("deploy-plan-component: done")
        return target
    }
}
