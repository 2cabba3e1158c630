import Foundation
import Synchronization

/// The test's `timeline.jsonl`: one JSON object a line, each with a monotonic timestamp in
/// milliseconds since the environment started (`t_ms`), a `kind` (`env`, `service`, `log`,
/// `step`, `message`, `expectation`), a `source` and free-form `data`.
///
/// Every source writes as the event happens (a service line when it is read from the pipe, a
/// NATS message when the client parses it off the socket, a step when it starts and ends), and
/// the stamp is taken under the same lock as the write, so the file is in time order and the
/// stamps of all sources come from one clock.
public final class Timeline: Sendable {
    public let url: URL
    /// Size limits and redaction for what events carry (bodies, payloads).
    public let evidence: EvidencePolicy
    private let start: ContinuousClock.Instant
    private let handle: Mutex<FileHandle?>

    public init(url: URL, evidence: EvidencePolicy = EvidencePolicy()) throws {
        self.url = url
        self.evidence = evidence
        self.start = .now
        _ = FileManager.default.createFile(atPath: url.path, contents: nil)
        self.handle = Mutex(try FileHandle(forWritingTo: url))
    }

    /// Milliseconds since the timeline started.
    public var elapsedMilliseconds: Double {
        milliseconds(at: .now)
    }

    /// The timeline's `t_ms` of an instant (for stamps taken elsewhere, such as a message's
    /// arrival on the socket).
    public func milliseconds(at instant: ContinuousClock.Instant) -> Double {
        let d = instant - start
        return Double(d.components.seconds) * 1000 + Double(d.components.attoseconds) / 1e15
    }

    public func append(kind: String, source: String, data: JSONValue = .object([:])) {
        let body = JSONWriter.compact(data)
        handle.withLock { h in
            guard let h else { return }
            // Stamped inside the lock: a line is never written before one with a later stamp.
            let t = (elapsedMilliseconds * 1000).rounded() / 1000
            let line = "{\"t_ms\":\(JSONWriter.compact(JSONValue.number(t))),\"kind\":\(JSONWriter.compact(.string(kind))),"
                + "\"source\":\(JSONWriter.compact(.string(source))),\"data\":\(body)}\n"
            try? h.write(contentsOf: Data(line.utf8))
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
