import Foundation
import Synchronization

/// What a run ran on, for `env.json`: the git commit and whether the tree was dirty, the Swift
/// version, the OS, and the version and path of each infrastructure binary and Greentic binary
/// found. Collected once per process (every command bounded to 10 s); no secrets.
package enum RunFingerprint {
    private static let cached = Mutex<Task<JSONValue, Never>?>(nil)

    /// The fingerprint of this process's run (collected on first use).
    public static func current(environment: [String: String] = ProcessInfo.processInfo.environment) async -> JSONValue {
        let task = cached.withLock { task in
            if let task { return task }
            let started = Task { await collect(environment: environment) }
            task = started
            return started
        }
        return await task.value
    }

    static func firstLine(_ path: String?, _ args: [String], workingDirectory: URL? = nil) async -> String? {
        guard let path, let out = try? await CommandRunner.run(path, args, workingDirectory: workingDirectory, timeout: .seconds(10)) else { return nil }
        let text = (out.stdout.isEmpty ? out.stderr : out.stdout).trimmingCharacters(in: .whitespacesAndNewlines)
        guard out.status == 0 || !text.isEmpty else { return nil }
        return text.split(separator: "\n").first.map(String.init)
    }

    /// Collects the fingerprint now.
    public static func collect(environment: [String: String]) async -> JSONValue {
        func locate(_ name: String) -> String? {
            (try? NativeBinaries.locate(name)) ?? (try? ExecutableLocator.locate(name, environment: environment))
        }
        let cwd = URL(fileURLWithPath: FileManager.default.currentDirectoryPath)
        let git = locate("git")
        var out: [String: JSONValue] = [:]
        let commit = await firstLine(git, ["rev-parse", "HEAD"], workingDirectory: cwd)
        out["git_commit"] = commit.map { .string($0) } ?? .null
        if commit != nil, let git, let status = try? await CommandRunner.run(git, ["status", "--porcelain"], workingDirectory: cwd, timeout: .seconds(10)) {
            out["git_dirty"] = .bool(!status.stdout.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty)
        } else {
            out["git_dirty"] = .null
        }
        out["swift_version"] = (await firstLine(locate("swift"), ["--version"])).map { .string($0) } ?? .null
        let os = (try? String(contentsOfFile: "/etc/os-release", encoding: .utf8))?.split(separator: "\n")
            .first { $0.hasPrefix("PRETTY_NAME=") }.map { String($0.dropFirst("PRETTY_NAME=".count)).trimmingCharacters(in: CharacterSet(charactersIn: "\"")) }
        out["os"] = .string(os ?? ProcessInfo.processInfo.operatingSystemVersionString)
        var tools: [String: JSONValue] = [:]
        for (name, args) in [("nats-server", ["--version"]), ("postgres", ["--version"]), ("redis-server", ["--version"]),
                             ("chromium", ["--version"]), ("greentic-runner", ["--version"]), ("greentic-deployer", ["--version"]),
                             ("greentic-store", ["--version"])] {
            let path = name == "chromium" ? (environment["CHROMIUM"] ?? locate("chromium") ?? locate("chromium-browser")) : locate(name)
            guard let path else { continue }
            tools[name] = ["path": .string(path), "version": (await firstLine(path, args)).map { .string($0) } ?? .null]
        }
        out["tools"] = .object(tools)
        return .object(out)
    }
}
