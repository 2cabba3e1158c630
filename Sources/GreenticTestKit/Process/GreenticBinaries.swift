import Foundation
import Synchronization

/// Where the kit's own executable, `greentic-integration`, is found, and how it is built when a
/// package's tests need it and it is not there: a downstream package's `swift test` builds its
/// test targets, not the kit's executable, so the first fixture server or stack started as a
/// process builds it once (`swift build --product greentic-integration` in the package under
/// test, in its own scratch folder `.build/greentic-tools` so the running build is left alone).
/// `GREENTIC_INTEGRATION_BIN` names a binary instead; `GREENTIC_BUILD_ON_DEMAND=0` turns the
/// build off, and then a missing executable fails naming every place searched.
package enum GreenticBinaries {
    static let name = "greentic-integration"
    /// Where the on-demand build puts its products, under the package root.
    static let scratchFolder = ".build/greentic-tools"

    /// The first existing candidate, else the bare name (looked up on `PATH`, or built, when the
    /// service starts).
    public static func integrationCLI(environment: [String: String] = ProcessInfo.processInfo.environment) -> String {
        if let bin = environment["GREENTIC_INTEGRATION_BIN"], !bin.isEmpty { return bin }
        return candidates().first { ExecutableLocator.isExecutable($0) } ?? name
    }

    /// The files searched before `PATH`, in order: beside the running executable (a test bundle
    /// built with the CLI), the package's `.build/debug` and `.build/release`, and the on-demand
    /// build's output.
    package static func candidates(currentDirectory: String = FileManager.default.currentDirectoryPath,
                                   runningExecutable: String = CommandLine.arguments[0]) -> [String] {
        let beside = URL(fileURLWithPath: runningExecutable).deletingLastPathComponent().appendingPathComponent(name).path
        var seen = Set<String>()
        return [beside, "\(currentDirectory)/.build/debug/\(name)", "\(currentDirectory)/.build/release/\(name)",
                "\(currentDirectory)/\(scratchFolder)/debug/\(name)"].filter { seen.insert($0).inserted }
    }

    /// The executable to start for `executable` (what `integrationCLI` returned): it as it is
    /// when it exists, else found on `PATH`, else built once. Throws `KitExecutableError` naming
    /// every place searched, and the build's failure when it was tried.
    package static func resolve(_ executable: String, environment: [String: String],
                                currentDirectory: String = FileManager.default.currentDirectoryPath,
                                runningExecutable: String = CommandLine.arguments[0]) async throws -> String {
        if executable.contains("/") {
            if ExecutableLocator.isExecutable(executable) { return executable }
            throw KitExecutableError(name: name, searched: [executable + (environment["GREENTIC_INTEGRATION_BIN"] == executable ? " (GREENTIC_INTEGRATION_BIN)" : "")],
                                     build: nil)
        }
        let places = candidates(currentDirectory: currentDirectory, runningExecutable: runningExecutable)
        if let found = places.first(where: ExecutableLocator.isExecutable) { return found }
        let dirs = ExecutableLocator.searchDirectories(extraPaths: [], environment: environment)
        if let onPath = dirs.map({ "\($0)/\(executable)" }).first(where: ExecutableLocator.isExecutable) { return onPath }
        let searched = ["GREENTIC_INTEGRATION_BIN (unset)"] + places + dirs.map { "\($0)/\(executable)" }
        guard environment["GREENTIC_BUILD_ON_DEMAND"] != "0" else {
            throw KitExecutableError(name: name, searched: searched, build: "off (GREENTIC_BUILD_ON_DEMAND=0)")
        }
        guard FileManager.default.fileExists(atPath: currentDirectory + "/Package.swift") else {
            throw KitExecutableError(name: name, searched: searched, build: "not tried: \(currentDirectory) holds no Package.swift to build it in")
        }
        return try await OnDemandBuild.shared.build(packageRoot: currentDirectory, environment: environment, searched: searched)
    }
}
