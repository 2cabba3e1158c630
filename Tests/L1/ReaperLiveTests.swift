import Foundation
import GreenticTestKit
import TestSupport
import Testing

@Suite("Reaper against real process groups", .tags(.reaper))
struct ReaperLiveTests {
    /// A unique `sleep` argument that identifies the process in /proc.
    static func marker() -> String { "300.\(UInt32.random(in: 100_000...999_999))" }

    /// Starts `sleep MARKER` as the leader of its own process group, detached from this process.
    func startOrphanGroup(marker: String) async throws -> Int32 {
        let out = try await CommandRunner.run("/bin/sh", ["-c", "setsid sleep \(marker) >/dev/null 2>&1 & echo $!"])
        let pid = try #require(Int32(out.stdout.trimmingCharacters(in: .whitespacesAndNewlines)))
        let deadline = ContinuousClock.now + .seconds(2)
        while ProcessProbe.pids(argv: ["sleep", marker]).isEmpty, ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(10))
        }
        return pid
    }

    func registerAsDeadRun(base: URL, pid: Int32, cleanup: [String]) throws {
        let run = Reaper(artifactsBase: base).registry.appendingPathComponent("999999999-42")
        try FileManager.default.createDirectory(at: run, withIntermediateDirectories: true)
        let entry = Reaper.Entry(pgid: pid, leaderStartTime: Reaper.processStartTime(pid), name: "leftover",
                                 command: "sleep 300", cleanupPaths: cleanup)
        try JSONEncoder().encode(entry).write(to: run.appendingPathComponent("\(pid)-\(entry.leaderStartTime).json"))
    }

    @Test func leftoverGroupOfDeadRunIsKilled() async throws {
        let base = try Paths.temporary("reaper")
        defer { try? FileManager.default.removeItem(at: base) }
        let marker = Self.marker()
        let pid = try await startOrphanGroup(marker: marker)
        #expect(!ProcessProbe.isGone(pid))
        let data = base.appendingPathComponent("leftover-data")
        try FileManager.default.createDirectory(at: data, withIntermediateDirectories: true)
        try registerAsDeadRun(base: base, pid: pid, cleanup: [data.path])

        let report = Reaper(artifactsBase: base).reapStale()
        #expect(report.killedGroups.map(\.pgid) == [pid])
        #expect(await ProcessProbe.waitGone(pid))
        #expect(ProcessProbe.pids(argv: ["sleep", marker]).isEmpty)
        #expect(!FileManager.default.fileExists(atPath: data.path))
    }

    @Test(.tags(.cli)) func cliReapPrintsReport() async throws {
        let base = try Paths.temporary("reaper-cli")
        defer { try? FileManager.default.removeItem(at: base) }
        let marker = Self.marker()
        let pid = try await startOrphanGroup(marker: marker)
        try registerAsDeadRun(base: base, pid: pid, cleanup: [])
        let out = try await CommandRunner.run(Paths.cli.path, ["e2e", "reap", "--dir", base.path])
        #expect(out.status == 0, "stderr: \(out.stderr)")
        let report = try JSONValue.parse(out.stdout)
        #expect(report["stale_runs"] == ["999999999-42"])
        #expect(report.value(atPath: "killed_groups.0.pgid") == .number(Double(pid)))
        #expect(await ProcessProbe.waitGone(pid))
    }

    @Test func pidReusedByAnotherProcessIsLeftAlone() async throws {
        let base = try Paths.temporary("reaper-reuse")
        defer { try? FileManager.default.removeItem(at: base) }
        let marker = Self.marker()
        let pid = try await startOrphanGroup(marker: marker)
        defer { killpg(pid, SIGKILL) }
        let run = Reaper(artifactsBase: base).registry.appendingPathComponent("999999999-43")
        try FileManager.default.createDirectory(at: run, withIntermediateDirectories: true)
        let entry = Reaper.Entry(pgid: pid, leaderStartTime: Reaper.processStartTime(pid) &- 1, name: "old", command: "old")
        try JSONEncoder().encode(entry).write(to: run.appendingPathComponent("\(pid)-1.json"))
        let report = Reaper(artifactsBase: base).reapStale()
        #expect(report.killedGroups.isEmpty)
        #expect(!ProcessProbe.isGone(pid))
    }
}
