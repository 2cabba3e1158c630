import Foundation
import GreenticSessions
import GreenticTestKit
import TestSupport
import Testing

@Suite("File session store (in-process)", .tags(.sessions))
struct FileSessionStoreTests {
    func temp() throws -> (URL, String) {
        let dir = try Paths.temporary("store")
        return (dir, dir.appendingPathComponent("data/sessions.json").path)
    }

    @Test func persistsAcrossInstancesAndKeysByTenant() async throws {
        let (dir, path) = try temp()
        defer { try? FileManager.default.removeItem(at: dir) }
        let store = try FileSessionStore(path: path)
        _ = try await store.upsert(SessionRecord(key: "k", tenant: "acme", user: "u1", flowID: "f", context: ["n": 1]))
        _ = try await store.upsert(SessionRecord(key: "k", tenant: "beta", user: "u1"))
        _ = try await store.upsert(SessionRecord(key: "k", tenant: "acme", user: "u2"))
        #expect(try await store.remove(tenant: "beta", key: "k"))
        let reopened = try FileSessionStore(path: path)
        let all = try await reopened.list(SessionFilter())
        #expect(all.count == 1)
        #expect(all.first?.user == "u2" && all.first?.tenant == "acme")
    }

    @Test func anotherInstanceSeesWritesAndPurges() async throws {
        let (dir, path) = try temp()
        defer { try? FileManager.default.removeItem(at: dir) }
        let server = try FileSessionStore(path: path)
        let cli = try FileSessionStore(path: path)
        for i in 0..<5 { _ = try await server.upsert(SessionRecord(key: "k\(i)", tenant: "acme", user: "u")) }
        #expect(try await cli.purge(SessionFilter(tenant: "acme")) == 5)
        #expect(try await server.list(SessionFilter()).isEmpty)
        _ = try await server.upsert(SessionRecord(key: "new", tenant: "acme", user: "u"))
        #expect(try await cli.list(SessionFilter()).map(\.key) == ["new"])
    }

    @Test func tornTailIsDroppedButMidFileDamageIsAnErrorAndUntouched() async throws {
        let (dir, path) = try temp()
        defer { try? FileManager.default.removeItem(at: dir) }
        let store = try FileSessionStore(path: path)
        _ = try await store.upsert(SessionRecord(key: "a", tenant: "t", user: "u"))
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
        handle.seekToEndOfFile()
        handle.write(Data(#"{"op":"put","record":{"key":"b","ten"#.utf8))
        try handle.close()
        let recovered = try FileSessionStore(path: path)
        #expect(try await recovered.list(SessionFilter()).map(\.key) == ["a"])
        _ = try await recovered.upsert(SessionRecord(key: "c", tenant: "t", user: "u"))
        #expect(try await FileSessionStore(path: path).list(SessionFilter()).count == 2)

        var text = try String(contentsOfFile: path, encoding: .utf8)
        text = text.replacingOccurrences(of: #"{"op":"put","record":{"key":"a""#, with: #"{"op":"zap","record":{"key":"a""#)
        try Data(text.utf8).write(to: URL(fileURLWithPath: path))
        do {
            _ = try FileSessionStore(path: path)
            Issue.record("damaged journal accepted")
        } catch let error as SessionStoreError {
            guard case .corruptFile(let p, let offset, _) = error else { Issue.record("\(error)"); return }
            #expect(p == path && offset == 51, "offset \(offset)")
        }
        #expect(try String(contentsOfFile: path, encoding: .utf8) == text)
    }

    @Test func legacyArrayFileIsReadAndConvertedOnWrite() async throws {
        let (dir, path) = try temp()
        defer { try? FileManager.default.removeItem(at: dir) }
        try FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        try Data(#"[{"key":"old","tenant":"dev","user":"u","flow_id":"f","updated_at_epoch_ms":5}]"#.utf8).write(to: URL(fileURLWithPath: path))
        let store = try FileSessionStore(path: path)
        #expect(try await store.list(SessionFilter()).first?.flowID == "f")
        _ = try await store.upsert(SessionRecord(key: "new", tenant: "dev", user: "u"))
        #expect(try String(contentsOfFile: path, encoding: .utf8).hasPrefix(#"{"format":"greentic-sessions-journal""#))
        #expect(try await FileSessionStore(path: path).list(SessionFilter()).count == 2)
        try Data("[{\"tenant\":\"x\"}]".utf8).write(to: URL(fileURLWithPath: path))
        #expect(throws: SessionStoreError.self) { try FileSessionStore(path: path) }
    }

    @Test func compactionKeepsTheFileBoundedAndTheData() async throws {
        let (dir, path) = try temp()
        defer { try? FileManager.default.removeItem(at: dir) }
        let store = try FileSessionStore(path: path)
        for round in 0..<3 {
            try await withThrowingTaskGroup(of: Void.self) { group in
                for i in 0..<500 {
                    group.addTask { _ = try await store.upsert(SessionRecord(key: "k\(i % 50)", tenant: "t", user: "u\(round)")) }
                }
                try await group.waitForAll()
            }
        }
        let lines = try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n").count
        #expect(lines < 1200, "journal has \(lines) lines for 50 live sessions")
        let reopened = try await FileSessionStore(path: path).list(SessionFilter())
        #expect(reopened.count == 50)
        #expect(Set(reopened.compactMap(\.user)) == ["u2"])
    }
}

@Suite("Session stamps")
struct SessionStampTests {
    /// The process-wide stamps strictly increase (other tests stamp concurrently, so only the
    /// order and the lower bound are theirs to check).
    @Test func stampsAreStrictlyIncreasingWithinAProcess() {
        let before = UInt64((Date().timeIntervalSince1970 * 1000).rounded(.down))
        let stamps = (0..<10_000).map { _ in SessionRecord.nowMs() }
        #expect(zip(stamps, stamps.dropFirst()).allSatisfy { $0 < $1 }, "two upserts in one millisecond must not tie")
        #expect(stamps.first! >= before, "a stamp is never behind the wall clock")
    }

    /// The clock itself, on a wall time the test controls.
    @Test func stampsFollowTheWallAndLeadItOnlyByTheTiesTheyBroke() {
        var clock = MonotonicMillis()
        #expect((0..<3).map { _ in clock.next(wall: 1_000) } == [1_000, 1_001, 1_002], "ties within a millisecond step by one")
        #expect(clock.next(wall: 1_001) == 1_003, "the wall behind the last stamp: one more")
        #expect(clock.next(wall: 5_000) == 5_000, "the wall ahead: the wall time")
        #expect(clock.next(wall: 4_000) == 5_001, "a clock stepped back does not reorder")
        let burst = (0..<10_000).map { _ in clock.next(wall: 9_000) }
        #expect(burst.first == 9_000 && burst.last == 9_000 + 9_999, "N stamps in one millisecond lead by N - 1")
    }
}
