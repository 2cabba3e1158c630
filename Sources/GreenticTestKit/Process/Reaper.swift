import CProcessSpawn
import Foundation

/// Records every process group a run starts, so that a later run (or `greentic-integration e2e
/// reap`) can kill the groups of a run that died without cleaning up.
///
/// Layout: `<registry>/<owner pid>-<owner start time>/<pgid>-<leader start time>.json`. A run
/// folder whose owner is no longer alive is stale: each of its groups is killed (unless its pid
/// now belongs to an unrelated process) and the paths it lists are removed.
package struct Reaper: Sendable {
    public let registry: URL

    public init(registry: URL) {
        self.registry = registry
    }

    /// The registry under an artifacts base folder.
    public init(artifactsBase: URL) {
        self.registry = artifactsBase.appendingPathComponent(".reaper")
    }

    /// What one registered group is.
    public struct Entry: Codable, Sendable, Equatable {
        public var pgid: Int32
        public var leaderStartTime: UInt64
        public var name: String
        public var command: String
        /// Paths removed when the group is reaped (for example a temporary data folder).
        public var cleanupPaths: [String]

        public init(pgid: Int32, leaderStartTime: UInt64, name: String, command: String, cleanupPaths: [String] = []) {
            self.pgid = pgid
            self.leaderStartTime = leaderStartTime
            self.name = name
            self.command = command
            self.cleanupPaths = cleanupPaths
        }
    }

    /// What a reap did.
    public struct Report: Sendable, Equatable {
        public var staleRuns: [String] = []
        public var killedGroups: [Entry] = []
        public var removedPaths: [String] = []
    }

    /// The folder for the current process's run.
    public func runFolder(pid: pid_t = getpid()) -> URL {
        registry.appendingPathComponent("\(pid)-\(gt_process_start_time(pid))")
    }

    public func register(_ entry: Entry) throws {
        try write(entry, as: "\(entry.pgid)-\(entry.leaderStartTime).json")
    }

    private func write(_ entry: Entry, as fileName: String) throws {
        let folder = runFolder()
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let data = try JSONEncoder().encode(entry)
        try data.write(to: folder.appendingPathComponent(fileName), options: .atomic)
    }

    /// Registers a path (no process) removed if this run dies before removing it itself.
    public func registerCleanup(_ path: String) throws {
        try write(Entry(pgid: 0, leaderStartTime: 0, name: "cleanup", command: "", cleanupPaths: [path]),
                  as: Self.cleanupFileName(path))
    }

    public func unregisterCleanup(_ path: String) {
        try? FileManager.default.removeItem(at: runFolder().appendingPathComponent(Self.cleanupFileName(path)))
    }

    static func cleanupFileName(_ path: String) -> String {
        "cleanup-" + NameSanitizer.pathComponent(path, fallback: "path", maxLength: 200) + ".json"
    }

    /// Removes this run's folder when nothing is registered in it any more.
    public func removeRunFolderIfEmpty() {
        let folder = runFolder()
        if (try? FileManager.default.contentsOfDirectory(atPath: folder.path))?.isEmpty == true {
            try? FileManager.default.removeItem(at: folder)
        }
    }

    public func unregister(pgid: Int32, leaderStartTime: UInt64) {
        let file = runFolder().appendingPathComponent("\(pgid)-\(leaderStartTime).json")
        try? FileManager.default.removeItem(at: file)
    }

    /// Reaps every run folder whose owner is gone. Never touches a live run's groups.
    @discardableResult
    public func reapStale() -> Report {
        var report = Report()
        let fm = FileManager.default
        guard let runs = try? fm.contentsOfDirectory(atPath: registry.path) else { return report }
        for run in runs.sorted() {
            let parts = run.split(separator: "-")
            guard parts.count == 2, let pid = pid_t(parts[0]), let start = UInt64(parts[1]) else { continue }
            if Self.isAlive(pid: pid, startTime: start) { continue }
            report.staleRuns.append(run)
            let folder = registry.appendingPathComponent(run)
            for file in ((try? fm.contentsOfDirectory(atPath: folder.path)) ?? []).sorted() where file.hasSuffix(".json") {
                guard let data = fm.contents(atPath: folder.appendingPathComponent(file).path),
                      let entry = try? JSONDecoder().decode(Entry.self, from: data) else { continue }
                if Self.killGroup(entry) { report.killedGroups.append(entry) }
                for path in entry.cleanupPaths where fm.fileExists(atPath: path) {
                    if (try? fm.removeItem(atPath: path)) != nil { report.removedPaths.append(path) }
                }
            }
            try? fm.removeItem(at: folder)
        }
        return report
    }

    /// A process's start time in clock ticks since boot (0 when unknown).
    public static func processStartTime(_ pid: pid_t) -> UInt64 {
        UInt64(gt_process_start_time(pid))
    }

    /// Whether the process with this pid is the one that started at `startTime`.
    public static func isAlive(pid: pid_t, startTime: UInt64) -> Bool {
        guard kill(pid, 0) == 0 || errno == EPERM else { return false }
        let now = UInt64(gt_process_start_time(pid))
        return now == 0 || now == startTime
    }

    /// Kills a stale group. A live process whose pid equals the pgid but started at another
    /// time means the pid was reused and the old group is gone: it is left alone.
    static func killGroup(_ entry: Entry) -> Bool {
        guard entry.pgid > 0 else { return false }
        let leaderNow = UInt64(gt_process_start_time(entry.pgid))
        if leaderNow != 0 && leaderNow != entry.leaderStartTime { return false }
        return killpg(entry.pgid, SIGKILL) == 0
    }
}
