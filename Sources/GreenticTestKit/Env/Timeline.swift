import Foundation
import Synchronization

/// The test's `timeline.jsonl`: one JSON object a line, each with a monotonic timestamp in
/// milliseconds since the environment started (`t_ms`), a `kind` (`env`, `service`, `log`,
/// `step`, `message`, `expectation`), a `source` and free-form `data`.
///
/// Every source appends as the event happens (a service line when it is read from the pipe, a
/// NATS message when the client parses it off the socket, a step when it starts and ends), and
/// the stamp is taken under the same lock that orders the lines, so the file is in time order and
/// the stamps of all sources come from one clock. A line is read some time after it was written
/// (as soon as its reader thread runs), so before stamping any other event the timeline reads
/// every registered backlog (each running service's pipe): what a service printed before it
/// published a message is in the file before that message, even when the machine is loaded. Appending only queues the stamped event; a
/// writer thread of the timeline's own moves the buffer to the file within `gatherWindow` of the
/// first line of a burst (encoded there, the burst in one `write`), so neither a step nor the NATS
/// connection thread waits on encoding or the disk. `contents()`, `tail(lines:)` and `close()` write what is buffered first.
public final class Timeline: Sendable {
    public let url: URL
    /// Size limits and redaction for what events carry (bodies, payloads).
    public let evidence: EvidencePolicy
    private let start: ContinuousClock.Instant
    private let pending = Mutex<Pending>(Pending())
    /// The order of appends, and the backlogs read before each event is stamped.
    private let order = Mutex<[ObjectIdentifier: any TimelineBacklog]>([:])
    /// Held while taking the buffer and writing it, so chunks reach the file in order; the
    /// bytes are the writer's buffer, kept between bursts.
    private let file: Mutex<(handle: FileHandle?, buffer: [UInt8])>
    private let wake = DispatchSemaphore(value: 0)
    private let writerDone = DispatchSemaphore(value: 0)

    /// An event waiting for the writer: stamped, not yet encoded.
    struct Entry {
        /// `t_ms` in whole microseconds.
        var micros: Int64
        var kind: String
        var source: String
        /// Appends the event's `data` value as JSON.
        var data: @Sendable (inout [UInt8]) -> Void
    }

    struct Pending {
        var entries: [Entry] = []
        var closed = false
    }

    public init(url: URL, evidence: EvidencePolicy = EvidencePolicy()) throws {
        self.url = url
        self.evidence = evidence
        self.start = .now
        _ = FileManager.default.createFile(atPath: url.path, contents: nil)
        self.file = Mutex((try FileHandle(forWritingTo: url), []))
        let thread = Thread { [self] in writerLoop() }
        thread.name = "timeline-writer"
        thread.start()
    }

    /// Milliseconds since the timeline started.
    public var elapsedMilliseconds: Double {
        milliseconds(at: .now)
    }

    /// The timeline's `t_ms` of an instant (for stamps taken elsewhere, such as a message's
    /// arrival on the socket).
    public func milliseconds(at instant: ContinuousClock.Instant) -> Double {
        (instant - start).fractionalMilliseconds
    }

    public func append(kind: String, source: String, data: JSONValue = .object([:])) {
        append(kind: kind, source: source, writing: { JSONWriter.write(data, into: &$0) })
    }

    /// Appends an event whose data is built by the writer thread: what an event costs to
    /// describe (parsing, redacting and encoding a payload) stays off the path of the step or
    /// the NATS connection that produced it. The stamp and the order are taken now.
    public func append(kind: String, source: String, deferred data: @escaping @Sendable () -> JSONValue) {
        append(kind: kind, source: source, writing: { JSONWriter.write(data(), into: &$0) })
    }

    /// Appends an event whose data the writer thread writes straight into the file's buffer as
    /// JSON (`EvidencePolicy.writeBody` for bodies): the cheapest way to record a message.
    package func append(kind: String, source: String, writing data: @escaping @Sendable (inout [UInt8]) -> Void) {
        order.withLock { backlogs in
            for backlog in backlogs.values { backlog.readBacklog() }
            appendInOrder(kind: kind, source: source, writing: data)
        }
    }

    /// Runs `body` in the timeline's order: no other event is stamped meanwhile. A backlog reads
    /// its source this way and appends with `appendInOrder`.
    func inOrder(_ body: () -> Void) {
        order.withLock { _ in body() }
    }

    /// Registers a source whose events are read after they happen; it is read before every
    /// other event is stamped, until it is unregistered.
    func register(_ backlog: any TimelineBacklog) {
        order.withLock { $0[ObjectIdentifier(backlog)] = backlog }
    }

    func unregister(_ backlog: any TimelineBacklog) {
        _ = order.withLock { $0.removeValue(forKey: ObjectIdentifier(backlog)) }
    }

    /// Appends from inside the order (a backlog's lines, from `readBacklog` or `inOrder`).
    func appendInOrder(kind: String, source: String, data: JSONValue) {
        appendInOrder(kind: kind, source: source, writing: { JSONWriter.write(data, into: &$0) })
    }

    private func appendInOrder(kind: String, source: String, writing data: @escaping @Sendable (inout [UInt8]) -> Void) {
        let wasIdle = pending.withLock { p -> Bool? in
            guard !p.closed else { return nil }
            // Stamped inside the lock: a line is never placed before one with a later stamp.
            let micros = Int64((elapsedMilliseconds * 1000).rounded())
            let idle = p.entries.isEmpty
            p.entries.append(Entry(micros: micros, kind: kind, source: source, data: data))
            return idle
        }
        if wasIdle == true { wake.signal() }
    }

    /// Appends the event's line to `out`.
    static func write(_ entry: Entry, into out: inout [UInt8]) {
        out.append(literal: #"{"t_ms":"#)
        writeMilliseconds(micros: entry.micros, into: &out)
        out.append(literal: #","kind":"#)
        JSONWriter.writeString(entry.kind, into: &out)
        out.append(literal: #","source":"#)
        JSONWriter.writeString(entry.source, into: &out)
        out.append(literal: #","data":"#)
        entry.data(&out)
        out.append(literal: "}\n")
    }

    /// Writes `micros` as milliseconds with up to three decimals (`12`, `12.5`, `12.345`).
    static func writeMilliseconds(micros: Int64, into out: inout [UInt8]) {
        JSONWriter.writeNumber(Double(micros / 1000), into: &out)
        var fraction = Int(micros % 1000)
        guard fraction != 0 else { return }
        out.append(UInt8(ascii: "."))
        var digits = 3
        while fraction % 10 == 0 {
            fraction /= 10
            digits -= 1
        }
        var divisor = [1, 10, 100][digits - 1]
        while divisor > 0 {
            out.append(UInt8(ascii: "0") + UInt8(fraction / divisor % 10))
            divisor /= 10
        }
    }

    /// Writes what is buffered now (in order after anything the writer thread holds).
    public func flush() {
        file.withLock { file in
            let entries = pending.withLock { p in
                defer { p.entries.removeAll(keepingCapacity: true) }
                return p.entries
            }
            guard let handle = file.handle, !entries.isEmpty else { return }
            file.buffer.removeAll(keepingCapacity: true)
            for entry in entries { Self.write(entry, into: &file.buffer) }
            try? handle.write(contentsOf: file.buffer)
            // A burst's buffer is kept for the next one, unless it grew past a megabyte.
            if file.buffer.capacity > 1 << 20 { file.buffer = [] }
        }
    }

    /// How long the writer lets lines gather after the first one of a burst, so a busy test
    /// costs one wake-up and one `write` per window instead of per line. Readers that need
    /// everything (`contents()`, `tail`, `close()`) flush at once.
    static let gatherWindow: TimeInterval = 0.002

    private func writerLoop() {
        while true {
            wake.wait()
            if !pending.withLock({ $0.closed }) { Thread.sleep(forTimeInterval: Self.gatherWindow) }
            flush()
            if pending.withLock({ $0.closed }) {
                flush()
                writerDone.signal()
                return
            }
        }
    }

    /// Writes what is buffered and stops writing (later appends are dropped).
    public func close() {
        let first = pending.withLock { p -> Bool in
            defer { p.closed = true }
            return !p.closed
        }
        guard first else { return }
        wake.signal()
        writerDone.wait()
        file.withLock { file in
            try? file.handle?.close()
            file.handle = nil
            file.buffer = []
        }
    }

    /// Everything written so far, the buffered lines included.
    public func contents() -> String {
        flush()
        return (try? String(contentsOf: url, encoding: .utf8)) ?? ""
    }

    /// The last `count` lines.
    public func tail(lines count: Int = 40) -> String {
        flush()
        return LogFollower.tail(of: url, lines: count)
    }
}
