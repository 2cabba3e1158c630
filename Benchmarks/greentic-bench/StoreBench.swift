import ArgumentParser
import Foundation
import GreenticFixtureServer
import GreenticSessions
import GreenticTestKit

/// File session store: upsert latency at 1 k, 10 k and 100 k existing sessions next to the
/// original's strategy (rewrite the whole file as a pretty JSON array on every upsert), and
/// 32 concurrent clients against the memory store (group commit).
struct StoreBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "store", abstract: "Session store scaling (file journal vs whole-file rewrite) and group commit.")

    @Option(help: "Upserts measured per size.") var samples = 200
    @Option(help: "Write the results as JSON to this file.") var json: String?

    func run() async throws {
        let dir = URL(fileURLWithPath: NSTemporaryDirectory()).appendingPathComponent("greentic-bench-store-\(getpid())")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        var rows: [(Samples, baseline: Samples?, target: String)] = []
        var medians: [Int: Double] = [:]
        for size in [1_000, 10_000, 100_000] {
            let store = try FileSessionStore(path: dir.appendingPathComponent("journal-\(size).json").path)
            try await fill(store, count: size)
            var journal = Samples(name: "file store upsert at \(size / 1000)k (journal)", values: [])
            for i in 0..<samples {
                let start = ContinuousClock.now
                _ = try await store.upsert(SessionRecord(key: "new-\(i)", tenant: "bench", user: "u\(i)"))
                journal.values.append(milliseconds(ContinuousClock.now - start))
            }
            let rewrite = RewriteWholeFileStore(url: dir.appendingPathComponent("rewrite-\(size).json"), count: size)
            var baseline = Samples(name: "  original: rewrite whole file at \(size / 1000)k", values: [])
            for i in 0..<max(5, min(samples, 2_000_000 / size)) {
                let start = ContinuousClock.now
                try rewrite.upsert(SessionRecord(key: "new-\(i)", tenant: "bench", user: "u\(i)"))
                baseline.values.append(milliseconds(ContinuousClock.now - start))
            }
            medians[size] = journal.median
            rows.append((baseline, nil, "baseline"))
            rows.append((journal, baseline, "flat"))
            rows.append((Samples(name: "  p99 at \(size / 1000)k (journal)", values: [journal.percentile(99)]),
                         Samples(name: "", values: [baseline.percentile(99)]), "-"))
        }
        print(Report.table(rows), terminator: "")
        let flat = Metric(name: "file store upsert median, 100k / 1k", value: medians[100_000]! / medians[1_000]!, unit: "x", baseline: nil, target: "<= 2")

        // Group commit: 32 clients upserting at once share fsyncs; one client pays one per upsert.
        // (The memory store is in the table for scale; the ">= 50 % of memory" target of the
        // design is measured over HTTP by the server benchmark.)
        let memory = try await concurrentThroughput(MemorySessionStore(), clients: 32)
        let single = try await concurrentThroughput(try FileSessionStore(path: dir.appendingPathComponent("single.json").path), clients: 1)
        let group = try await concurrentThroughput(try FileSessionStore(path: dir.appendingPathComponent("group.json").path), clients: 32)
        let metrics = [flat,
                       Metric(name: "memory store, 32 concurrent clients", value: memory, unit: "upserts/s", baseline: nil, target: "-"),
                       Metric(name: "file store, 1 client (one fsync per upsert)", value: single, unit: "upserts/s", baseline: nil, target: "baseline"),
                       Metric(name: "file store, 32 concurrent clients (group commit)", value: group, unit: "upserts/s", baseline: single, target: "> 1x")]
        print(Report.metrics(metrics), terminator: "")
        if let json {
            try (Report.json(rows).dropLast() + "," + Report.json(metrics).dropFirst()).write(toFile: json, atomically: true, encoding: .utf8)
        }
    }

    /// Inserts `count` sessions with 64 concurrent writers (so the journal shares fsyncs).
    func fill(_ store: FileSessionStore, count: Int) async throws {
        try await withThrowingTaskGroup(of: Void.self) { group in
            for w in 0..<64 {
                group.addTask {
                    for i in stride(from: w, to: count, by: 64) {
                        _ = try await store.upsert(SessionRecord(key: "s-\(i)", tenant: "bench", user: "u\(i % 1000)", flowID: "flow", nodeID: "node",
                                                                 context: ["step": .number(Double(i))]))
                    }
                }
            }
            try await group.waitForAll()
        }
    }

    /// Upserts per second with `clients` concurrent clients for about 2 s.
    func concurrentThroughput(_ store: any SessionStore, clients: Int) async throws -> Double {
        let start = ContinuousClock.now
        let total = try await withThrowingTaskGroup(of: Int.self) { group in
            for c in 0..<clients {
                group.addTask {
                    var n = 0
                    while ContinuousClock.now - start < .seconds(2) {
                        _ = try await store.upsert(SessionRecord(key: "c\(c)-\(n % 500)", tenant: "bench", user: "u\(c)"))
                        n += 1
                    }
                    return n
                }
            }
            return try await group.reduce(0, +)
        }
        return Double(total) / (milliseconds(ContinuousClock.now - start) / 1000)
    }
}

/// The original file store's strategy, as the baseline: every upsert writes the whole map as a
/// pretty JSON array with a plain write (no temporary file, no fsync).
final class RewriteWholeFileStore {
    let url: URL
    var records: [String: SessionRecord] = [:]

    init(url: URL, count: Int) {
        self.url = url
        for i in 0..<count {
            records["s-\(i)"] = SessionRecord(key: "s-\(i)", tenant: "bench", user: "u\(i % 1000)", flowID: "flow", nodeID: "node",
                                              context: ["step": .number(Double(i))])
        }
    }

    func upsert(_ record: SessionRecord) throws {
        records[record.key] = record
        let text = JSONWriter.pretty(OrderedJSON.array(records.values.map(\.storedJSON)))
        try Data(text.utf8).write(to: url)
    }
}
