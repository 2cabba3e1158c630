import Foundation
import Synchronization

/// One build of the kit's executable per process, however many tests ask for it at once.
final class OnDemandBuild: Sendable {
    static let shared = OnDemandBuild()
    private let builds = Mutex<[String: Task<String, any Error>]>([:])

    func build(packageRoot: String, environment: [String: String], searched: [String]) async throws -> String {
        let task = builds.withLock { builds in
            if let running = builds[packageRoot] { return running }
            let task = Task { try await Self.run(packageRoot: packageRoot, environment: environment, searched: searched) }
            builds[packageRoot] = task
            return task
        }
        do {
            return try await task.value
        } catch {
            // A failed build is tried again by the next caller (the package may have been fixed).
            builds.withLock { _ = $0.removeValue(forKey: packageRoot) }
            throw error
        }
    }

    static func run(packageRoot: String, environment: [String: String], searched: [String]) async throws -> String {
        let name = GreenticBinaries.name
        let arguments = ["build", "--product", name, "--scratch-path", "\(packageRoot)/\(GreenticBinaries.scratchFolder)"]
        FileHandle.standardError.write(Data("greentic-integration not found; building it once: swift \(arguments.joined(separator: " ")) (in \(packageRoot); a few minutes the first time)\n".utf8))
        let output: CommandRunner.Output
        do {
            output = try await CommandRunner.run("swift", arguments, environment: environment, workingDirectory: URL(fileURLWithPath: packageRoot),
                                                 timeout: .seconds(1800))
        } catch {
            throw KitExecutableError(name: name, searched: searched, build: "could not run swift build: \(error)")
        }
        let built = "\(packageRoot)/\(GreenticBinaries.scratchFolder)/debug/\(name)"
        guard output.status == 0, ExecutableLocator.isExecutable(built) else {
            let tail = (output.stderr + output.stdout).split(separator: "\n").suffix(8).joined(separator: "\n")
            throw KitExecutableError(name: name, searched: searched,
                                     build: "swift build exited \(output.status)" + (output.status == 0 ? " without producing \(built)" : "") + ":\n\(tail)")
        }
        return built
    }
}
