import Foundation
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
