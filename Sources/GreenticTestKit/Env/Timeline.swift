import Foundation
import Synchronization

/// The test's `timeline.jsonl`: one JSON object a line, each with a monotonic timestamp in
/// milliseconds since the environment started (`t_ms`), a `kind` (`env`, `service`, `log`,
/// `step`, `message`, `expectation`), a `source` and free-form `data`.
public final class Timeline: Sendable {
    public let url: URL
    private let start: ContinuousClock.Instant
    private let handle: Mutex<FileHandle?>

    public init(url: URL) throws {
        self.url = url
        self.start = .now
        _ = FileManager.default.createFile(atPath: url.path, contents: nil)
        self.handle = Mutex(try FileHandle(forWritingTo: url))
    }

    /// Milliseconds since the timeline started.
    public var elapsedMilliseconds: Double {
        let d = ContinuousClock.now - start
        return Double(d.components.seconds) * 1000 + Double(d.components.attoseconds) / 1e15
    }

    public func append(kind: String, source: String, data: JSONValue = .object([:])) {
        let t = (elapsedMilliseconds * 1000).rounded() / 1000
        let line: JSONValue = ["t_ms": .number(t), "kind": .string(kind), "source": .string(source), "data": data]
        let bytes = Data((JSONWriter.compact(line) + "\n").utf8)
        handle.withLock { h in
            try? h?.write(contentsOf: bytes)
        }
    }

    /// Stops writing (later appends are dropped).
    public func close() {
        handle.withLock { h in
            try? h?.close()
            h = nil
        }
    }

    /// The last `count` lines.
    public func tail(lines count: Int = 40) -> String {
        LogFollower.tail(of: url, lines: count)
    }
}
