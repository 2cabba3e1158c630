import Foundation
import GreenticTestKit
import Synchronization

/// What the deploy-plan component needs from its host: a way to report status and the plan.
package protocol PlanRuntime: Sendable {
    func emitStatus(_ message: String)
    /// The deployment plan as text (JSON, or anything the host provides).
    func deploymentPlan() throws -> String
}

/// The `/iac` mount: guest paths under `/iac` map into a host folder; anything that would
/// leave it (`..`, absolute paths elsewhere, symbolic links pointing out) is refused.
package struct IacSandbox: Sendable {
    public let hostRoot: URL
    public let guestRoot: String

    public init(hostRoot: URL, guestRoot: String = "/iac") {
        self.hostRoot = hostRoot.standardizedFileURL
        self.guestRoot = guestRoot
    }

    /// The host location of a guest path such as `/iac/plan.json`.
    public func hostURL(for guestPath: String) throws -> URL {
        guard guestPath == guestRoot || guestPath.hasPrefix(guestRoot + "/") else {
            throw DeployPlanError.outsideSandbox(guestPath)
        }
        let relative = guestPath.dropFirst(guestRoot.count).split(separator: "/").map(String.init)
        var depth = 0
        for part in relative {
            if part == ".." { depth -= 1 } else if part != "." { depth += 1 }
            if depth < 0 { throw DeployPlanError.outsideSandbox(guestPath) }
        }
        let url = relative.reduce(hostRoot) { $0.appendingPathComponent($1) }.standardizedFileURL
        // Refuse a location whose existing part resolves (through links) outside the root.
        try? FileManager.default.createDirectory(at: hostRoot, withIntermediateDirectories: true)
        var probe = url
        while !FileManager.default.fileExists(atPath: probe.path) && probe.path.count > hostRoot.path.count { probe.deleteLastPathComponent() }
        let resolvedRoot = hostRoot.resolvingSymlinksInPath().path
        let resolved = probe.resolvingSymlinksInPath().path
        guard resolved == resolvedRoot || resolved.hasPrefix(resolvedRoot + "/") else {
            throw DeployPlanError.outsideSandbox(guestPath)
        }
        return url
    }
}

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

/// Deploy-plan failures.
package enum DeployPlanError: Error, CustomStringConvertible, Equatable {
    case outsideSandbox(String)
    case runtime(String)

    public var description: String {
        switch self {
        case .outsideSandbox(let path): "refusing to write \(path): outside the /iac sandbox"
        case .runtime(let message): message
        }
    }
}
