import CProcessSpawn
import Foundation

/// The per-test folder: `<base>/<sanitised name>/` with `logs/`, `artifacts/`, `env.json` and
/// `timeline.jsonl`. The base is `E2E_ARTIFACTS_DIR`, else `.build/e2e` under the current
/// directory. Names are unique: a folder in use by a live process gets a `-2`, `-3`, … suffix;
/// one left by a dead process is replaced.
public struct TestDirectory: Sendable {
    public let name: String
    public let root: URL
    public var logs: URL { root.appendingPathComponent("logs") }
    public var artifacts: URL { root.appendingPathComponent("artifacts") }
    public var envFile: URL { root.appendingPathComponent("env.json") }
    public var timelineFile: URL { root.appendingPathComponent("timeline.jsonl") }
    public var harnessLog: URL { logs.appendingPathComponent("harness.log") }

    static let ownerFile = ".owner"

    /// The artifacts base folder for an environment.
    public static func base(environment: [String: String] = ProcessInfo.processInfo.environment) -> URL {
        if let dir = environment["E2E_ARTIFACTS_DIR"], !dir.isEmpty {
            return URL(fileURLWithPath: dir, relativeTo: URL(fileURLWithPath: FileManager.default.currentDirectoryPath, isDirectory: true)).standardizedFileURL
        }
        return URL(fileURLWithPath: FileManager.default.currentDirectoryPath).appendingPathComponent(".build/e2e")
    }

    /// Creates and claims a fresh folder for `rawName` under `base`. The folder is prepared
    /// under a private name with its owner record inside, then renamed into place, so another
    /// test never sees it half made.
    public static func create(name rawName: String, base: URL) throws -> TestDirectory {
        let fm = FileManager.default
        try fm.createDirectory(at: base, withIntermediateDirectories: true)
        let sanitized = NameSanitizer.pathComponent(rawName, fallback: "e2e")
        for attempt in 1...1000 {
            let name = attempt == 1 ? sanitized : "\(sanitized)-\(attempt)"
            let root = base.appendingPathComponent(name)
            if fm.fileExists(atPath: root.path) {
                guard isAbandoned(root) else { continue }
                try? fm.removeItem(at: root)
            }
            let staging = base.appendingPathComponent(".claim-\(getpid())-\(UUID().uuidString)")
            try fm.createDirectory(at: staging, withIntermediateDirectories: false)
            let owner = "\(getpid()) \(gt_process_start_time(getpid()))\n"
            try Data(owner.utf8).write(to: staging.appendingPathComponent(ownerFile))
            // rename(2) fails when the target exists and is not empty: then someone else won.
            if rename(staging.path, root.path) != 0 {
                try? fm.removeItem(at: staging)
                continue
            }
            let dir = TestDirectory(name: name, root: root)
            try fm.createDirectory(at: dir.logs, withIntermediateDirectories: true)
            try fm.createDirectory(at: dir.artifacts, withIntermediateDirectories: true)
            return dir
        }
        throw SystemCallError(errno: EEXIST, context: "no free test folder for \(sanitized) under \(base.path)")
    }

    /// A folder whose owner process is gone (or that has no owner record) may be replaced.
    static func isAbandoned(_ root: URL) -> Bool {
        guard let data = FileManager.default.contents(atPath: root.appendingPathComponent(ownerFile).path) else {
            return true
        }
        let parts = String(decoding: data, as: UTF8.self).split(whereSeparator: { $0 == " " || $0 == "\n" })
        guard parts.count == 2, let pid = pid_t(parts[0]), let start = UInt64(parts[1]) else { return true }
        if pid == getpid() && start == UInt64(gt_process_start_time(getpid())) {
            // Ours: either in use by a parallel test or kept from an earlier test of this run.
            return false
        }
        return !Reaper.isAlive(pid: pid, startTime: start)
    }

    /// Removes the folder (after a successful test).
    public func remove() {
        try? FileManager.default.removeItem(at: root)
    }
}
