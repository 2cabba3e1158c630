import Foundation
import GreenticTestKit
import Synchronization
import TestSupport
import Testing

/// A package whose tests start the kit's executable without having built it gets it built once,
/// and a failure names every place searched. `swift` here is a stand-in script, so the test
/// checks the kit's plumbing (arguments, one build for many callers, errors), not SwiftPM.
@Suite("The kit's executable, found or built on demand", .tags(.cli))
struct KitExecutableTests {
    struct Sandbox {
        let root: URL
        let package: URL
        let bin: URL
        let log: URL
        var environment: [String: String] { ["PATH": bin.path + ":/usr/bin:/bin"] }
        var runningExecutable: String { root.appendingPathComponent("bundle/tests.xctest").path }
    }

    /// A package folder and a fake `swift` that logs its arguments and, when `exitStatus` is 0,
    /// writes an executable where `--scratch-path` points.
    func sandbox(exitStatus: Int = 0) throws -> Sandbox {
        let root = try Paths.temporary("kit-exe")
        let package = root.appendingPathComponent("pkg")
        let bin = root.appendingPathComponent("bin")
        for dir in [package, bin, root.appendingPathComponent("bundle")] {
            try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        }
        try Data("// swift-tools-version: 6.1\n".utf8).write(to: package.appendingPathComponent("Package.swift"))
        let log = root.appendingPathComponent("swift.log")
        let script = """
            #!/bin/sh
            echo "$PWD $*" >> '\(log.path)'
            sleep 0.3
            if [ \(exitStatus) -ne 0 ]; then echo "error: no such product" >&2; exit \(exitStatus); fi
            while [ $# -gt 0 ]; do
              if [ "$1" = "--scratch-path" ]; then mkdir -p "$2/debug"; printf '#!/bin/sh\\necho built\\n' > "$2/debug/greentic-integration"; chmod +x "$2/debug/greentic-integration"; fi
              shift
            done
            """
        let swift = bin.appendingPathComponent("swift")
        try Data(script.utf8).write(to: swift)
        chmod(swift.path, 0o755)
        return Sandbox(root: root, package: package, bin: bin, log: log)
    }

    @Test func aMissingExecutableIsBuiltOnceForManyCallers() async throws {
        let box = try sandbox()
        defer { try? FileManager.default.removeItem(at: box.root) }
        let paths = try await withThrowingTaskGroup(of: String.self) { group in
            for _ in 0..<4 {
                group.addTask {
                    try await GreenticBinaries.resolve("greentic-integration", environment: box.environment,
                                                       currentDirectory: box.package.path, runningExecutable: box.runningExecutable)
                }
            }
            return try await group.reduce(into: [String]()) { $0.append($1) }
        }
        let expected = box.package.path + "/.build/greentic-tools/debug/greentic-integration"
        #expect(paths == Array(repeating: expected, count: 4))
        let calls = try String(contentsOf: box.log, encoding: .utf8).split(separator: "\n")
        #expect(calls == ["\(box.package.path) build --product greentic-integration --scratch-path \(box.package.path)/.build/greentic-tools"])
        // Built once, it is found from then on without building.
        _ = try await GreenticBinaries.resolve("greentic-integration", environment: box.environment,
                                               currentDirectory: box.package.path, runningExecutable: box.runningExecutable)
        #expect(try String(contentsOf: box.log, encoding: .utf8).split(separator: "\n").count == 1)
    }

    @Test func aFailedBuildNamesEveryPlaceSearchedAndWhatTheBuildSaid() async throws {
        let box = try sandbox(exitStatus: 1)
        defer { try? FileManager.default.removeItem(at: box.root) }
        await #expect {
            try await GreenticBinaries.resolve("greentic-integration", environment: box.environment,
                                               currentDirectory: box.package.path, runningExecutable: box.runningExecutable)
        } throws: { error in
            let text = "\(error)"
            return text.contains("GREENTIC_INTEGRATION_BIN (unset)")
                && text.contains(box.root.path + "/bundle/greentic-integration")
                && text.contains(box.package.path + "/.build/debug/greentic-integration")
                && text.contains(box.package.path + "/.build/release/greentic-integration")
                && text.contains(box.bin.path + "/greentic-integration")
                && text.contains("swift build exited 1") && text.contains("error: no such product")
        }
    }

    @Test func withTheBuildOffOrABadOverrideItFailsWithoutBuilding() async throws {
        let box = try sandbox()
        defer { try? FileManager.default.removeItem(at: box.root) }
        var env = box.environment
        env["GREENTIC_BUILD_ON_DEMAND"] = "0"
        await #expect {
            try await GreenticBinaries.resolve("greentic-integration", environment: env,
                                               currentDirectory: box.package.path, runningExecutable: box.runningExecutable)
        } throws: { "\($0)".contains("on-demand build: off (GREENTIC_BUILD_ON_DEMAND=0)") && "\($0)".contains("/usr/bin/greentic-integration") }
        env = box.environment
        env["GREENTIC_INTEGRATION_BIN"] = "/nonexistent/greentic-integration"
        await #expect {
            try await GreenticBinaries.resolve(GreenticBinaries.integrationCLI(environment: env), environment: env,
                                               currentDirectory: box.package.path, runningExecutable: box.runningExecutable)
        } throws: { "\($0)".contains("/nonexistent/greentic-integration (GREENTIC_INTEGRATION_BIN)") }
        #expect(!FileManager.default.fileExists(atPath: box.log.path))
    }
}
