import Foundation
import GreenticTestKit
import Synchronization

/// The host runtime: the plan comes from plan inference over a pack, from a file, or as text;
/// statuses are collected (and optionally forwarded).
package final class HostPlanRuntime: PlanRuntime {
    /// Where the plan comes from.
    public enum Source: Sendable {
        case inferred(packDirectory: String, tenant: String, environment: String)
        case file(String)
        case text(String)
    }

    public let source: Source
    private let collected = Mutex<[String]>([])
    private let forward: (@Sendable (String) -> Void)?

    public init(source: Source, forward: (@Sendable (String) -> Void)? = nil) {
        self.source = source
        self.forward = forward
    }

    public var statuses: [String] {
        collected.withLock { $0 }
    }

    public func emitStatus(_ message: String) {
        collected.withLock { $0.append(message) }
        forward?(message)
    }

    public func deploymentPlan() throws -> String {
        switch source {
        case .inferred(let dir, let tenant, let environment):
            return JSONWriter.compact(try DeploymentPlanner.plan(packDirectory: dir, tenant: tenant, environment: environment))
        case .file(let path):
            guard let data = FileManager.default.contents(atPath: path) else { throw DeployPlanError.runtime("cannot read plan file \(path)") }
            return String(decoding: data, as: UTF8.self)
        case .text(let text):
            return text
        }
    }
}
