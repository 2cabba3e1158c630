import Foundation
import TestSupport
import GreenticTestKit
import Testing

@Suite("Reaper registry (no processes)")
struct ReaperTests {
    @Test func deadRunIsReapedAndItsPathsRemoved() throws {
        let base = try Paths.temporary()
        defer { try? FileManager.default.removeItem(at: base) }
        let reaper = Reaper(artifactsBase: base)
        let run = reaper.registry.appendingPathComponent("999999999-12345")
        try FileManager.default.createDirectory(at: run, withIntermediateDirectories: true)
        let leftover = base.appendingPathComponent("pgdata")
        try FileManager.default.createDirectory(at: leftover, withIntermediateDirectories: true)
        let entry = Reaper.Entry(pgid: 999_999_998, leaderStartTime: 1, name: "postgres", command: "postgres -D x",
                                 cleanupPaths: [leftover.path])
        try JSONEncoder().encode(entry).write(to: run.appendingPathComponent("999999998-1.json"))
        let report = reaper.reapStale()
        #expect(report.staleRuns == ["999999999-12345"])
        #expect(report.removedPaths == [leftover.path])
        #expect(!FileManager.default.fileExists(atPath: run.path))
        #expect(!FileManager.default.fileExists(atPath: leftover.path))
    }

    @Test func liveRunIsLeftAlone() throws {
        let base = try Paths.temporary()
        defer { try? FileManager.default.removeItem(at: base) }
        let reaper = Reaper(artifactsBase: base)
        let entry = Reaper.Entry(pgid: 999_999_997, leaderStartTime: 1, name: "x", command: "x", cleanupPaths: [])
        try reaper.register(entry)
        let report = reaper.reapStale()
        #expect(report.staleRuns.isEmpty)
        #expect(FileManager.default.fileExists(atPath: reaper.runFolder().path))
    }
}

@Suite("Reaper cleanup registrations (no processes)")
struct ReaperCleanupTests {
    @Test func cleanupPathsOfDeadRunsAreRemovedAndUnregisteredOnesKept() throws {
        let base = try Paths.temporary()
        defer { try? FileManager.default.removeItem(at: base) }
        let reaper = Reaper(artifactsBase: base)
        let kept = base.appendingPathComponent("kept")
        let doomed = base.appendingPathComponent("doomed")
        for dir in [kept, doomed] { try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true) }
        try reaper.registerCleanup(kept.path)
        try reaper.registerCleanup(doomed.path)
        reaper.unregisterCleanup(kept.path)
        // Pretend this run died: move its folder under a dead owner's name.
        try FileManager.default.moveItem(at: reaper.runFolder(), to: reaper.registry.appendingPathComponent("999999999-7"))
        let report = reaper.reapStale()
        #expect(report.removedPaths == [doomed.path])
        #expect(report.killedGroups.isEmpty)
        #expect(FileManager.default.fileExists(atPath: kept.path))
        #expect(!FileManager.default.fileExists(atPath: doomed.path))
    }
}
