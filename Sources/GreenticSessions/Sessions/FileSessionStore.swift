import Foundation
import GreenticTestKit
import NIOCore
import NIOPosix

/// Sessions in a file that never loses an acknowledged write.
///
/// The file is an append-only journal of JSON lines (a header line, then `put`, `del` and
/// `purge` operations). Each write is appended and fsync'd before it is acknowledged; writes
/// that arrive together share one fsync (group commit). The cost of an upsert does not grow with
/// the number of sessions; the journal is compacted (write temp, fsync, rename) when it holds
/// more than twice the live records. An advisory lock (`<file>.lock`) serialises writers across
/// processes, so the CLI and a running server share the file; each side catches up on the
/// other's appends before it acts. A torn last line (a crash in the middle of an append) is
/// dropped on load; any other damage is a startup error naming the byte offset, and the file
/// is left untouched. A legacy JSON-array file (the original format) is read and converted on
/// the first write. The store runs on its own thread: fsync and the file lock block, and they
/// must not hold a thread of Swift's cooperative pool (where the HTTP handlers and, in a test
/// process, every other test's tasks run).
public actor FileSessionStore: SessionStore {
    /// The thread every file store's blocking I/O runs on.
    static let ioLoop = MultiThreadedEventLoopGroup(numberOfThreads: 1).next()
    public nonisolated var unownedExecutor: UnownedSerialExecutor { Self.ioLoop.executor.asUnownedSerialExecutor() }

    public nonisolated var backendName: String { "file" }
    public let path: String

    private var records: [SessionKey: SessionRecord] = [:]
    private var journal: JournalFile
    private var pending: [(JournalOperation, CheckedContinuation<JournalResult, any Error>)] = []
    private var flushScheduled = false

    /// Opens (or creates) the store; throws `SessionStoreError.corruptFile` for a damaged file.
    public init(path: String) throws {
        self.path = path
        var file = try JournalFile(path: path)
        let lock = file
        records = try lock.withLock(exclusive: true) { try file.loadAll() }
        journal = file
    }

    // MARK: Reads

    public func list(_ filter: SessionFilter) async throws -> [SessionRecord] {
        try catchUp()
        return records.values.filter(filter.matches).sorted(by: sessionOrder)
    }

    public func health() async -> StoreHealth {
        do {
            try catchUp()
            return StoreHealth(ok: true, detail: "\(records.count) session(s) in \(path)")
        } catch {
            return StoreHealth(ok: false, detail: "\(error)")
        }
    }

    /// How many records are live (for tests and benchmarks).
    public var count: Int { records.count }

    private func catchUp() throws {
        guard journal.changedOnDisk() else { return }
        let lock = journal
        var file = journal
        // Moved out, so the map is uniquely referenced and updated in place (no O(n) copy).
        var map = records
        records = [:]
        defer { records = map }
        try lock.withLock(exclusive: false) { try file.apply(into: &map) }
        journal = file
    }

    // MARK: Writes

    public func upsert(_ record: SessionRecord) async throws -> SessionRecord {
        var stamped = record
        stamped.updatedAtEpochMs = SessionRecord.nowMs()
        guard case .record(let r) = try await submit(.put(stamped)) else { return stamped }
        return r
    }

    public func purge(_ filter: SessionFilter) async throws -> Int {
        guard case .count(let n) = try await submit(.purge(filter)) else { return 0 }
        return n
    }

    public func remove(tenant: String, key: String) async throws -> Bool {
        guard case .count(let n) = try await submit(.delete(SessionKey(tenant: tenant, key: key))) else { return false }
        return n > 0
    }

    private func submit(_ op: JournalOperation) async throws -> JournalResult {
        try await withCheckedThrowingContinuation { continuation in
            pending.append((op, continuation))
            if !flushScheduled {
                flushScheduled = true
                Task { self.flush() }
            }
        }
    }

    /// Commits every pending operation with one append and one fsync. The map is updated in
    /// place (moved out of `records`, so it is never copied); if the append fails, an undo log
    /// restores what the batch changed, and every caller gets the error.
    private func flush() {
        flushScheduled = false
        let batch = pending
        pending = []
        guard !batch.isEmpty else { return }
        let lock = journal
        var file = journal
        var working = records
        records = [:]
        var undo: [(SessionKey, SessionRecord?)] = []
        do {
            let results = try lock.withLock(exclusive: true) { () -> [JournalResult] in
                // Other processes' appends are already durable: they stay even if ours fails.
                try file.apply(into: &working)
                var lines: [String] = []
                var results: [JournalResult] = []
                for (op, _) in batch {
                    let (line, result) = op.apply(to: &working, undo: &undo)
                    if let line { lines.append(line) }
                    results.append(result)
                }
                if !lines.isEmpty { try file.append(lines) }
                if file.shouldCompact(live: working.count) { try file.compact(working) }
                return results
            }
            journal = file
            records = working
            for ((_, continuation), result) in zip(batch, results) { continuation.resume(returning: result) }
        } catch {
            for (key, previous) in undo.reversed() { working[key] = previous }
            records = working
            for (_, continuation) in batch { continuation.resume(throwing: error) }
        }
    }
}
