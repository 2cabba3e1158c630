import Foundation
import GreenticTestKit
import Synchronization

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
