import Foundation

/// Reads a growing log file: new complete lines since the last read, and the last lines.
public final class LogFollower: @unchecked Sendable {
    public let url: URL
    private var offset: UInt64 = 0
    private var partial = Data()
    private let lock = NSLock()

    /// Follows `url` from byte `offset` (a restarted service appends to its old log; only the
    /// new output counts).
    public init(url: URL, offset: UInt64 = 0) {
        self.url = url
        self.offset = offset
    }

    /// The current size of a file (0 when it does not exist).
    public static func size(of url: URL) -> UInt64 {
        ((try? FileManager.default.attributesOfItem(atPath: url.path))?[.size] as? NSNumber)?.uint64Value ?? 0
    }

    /// Complete lines appended since the previous call (a trailing partial line waits).
    public func newLines() -> [String] {
        lock.lock()
        defer { lock.unlock() }
        guard let handle = try? FileHandle(forReadingFrom: url) else { return [] }
        defer { try? handle.close() }
        do {
            try handle.seek(toOffset: offset)
            guard let data = try handle.readToEnd(), !data.isEmpty else { return [] }
            offset += UInt64(data.count)
            partial.append(data)
        } catch {
            return []
        }
        guard let lastNewline = partial.lastIndex(of: 0x0A) else { return [] }
        let complete = partial[partial.startIndex...lastNewline]
        partial = Data(partial[partial.index(after: lastNewline)...])
        return String(decoding: complete, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false)
            .dropLast().map { String($0) }
    }

    /// The remaining partial line, if the writer ended without a newline.
    public func flushPartial() -> String? {
        lock.lock()
        defer { lock.unlock() }
        guard !partial.isEmpty else { return nil }
        defer { partial = Data() }
        return String(decoding: partial, as: UTF8.self)
    }

    /// The last `count` lines of a file (reads at most the last 64 KiB).
    public static func tail(of url: URL, lines count: Int = 20) -> String {
        guard let handle = try? FileHandle(forReadingFrom: url) else { return "(no log at \(url.path))" }
        defer { try? handle.close() }
        let size = (try? handle.seekToEnd()) ?? 0
        let start = size > 65_536 ? size - 65_536 : 0
        try? handle.seek(toOffset: start)
        let data = (try? handle.readToEnd()) ?? Data()
        let lines = String(decoding: data, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: true)
        let last = lines.suffix(count)
        return last.isEmpty ? "(log is empty)" : last.joined(separator: "\n")
    }
}
