import Foundation
import Synchronization

/// Reads a growing log file: new complete lines since the last read, and the last lines.
package final class LogFollower: Sendable {
    public let url: URL
    /// The read position and the trailing partial line, read and advanced together.
    private let position: Mutex<(offset: UInt64, partial: Data)>

    /// Follows `url` from byte `offset` (a restarted service appends to its old log; only the
    /// new output counts).
    public init(url: URL, offset: UInt64 = 0) {
        self.url = url
        self.position = Mutex((offset, Data()))
    }

    /// The current size of a file (0 when it does not exist).
    public static func size(of url: URL) -> UInt64 {
        ((try? FileManager.default.attributesOfItem(atPath: url.path))?[.size] as? NSNumber)?.uint64Value ?? 0
    }

    /// Complete lines appended since the previous call (a trailing partial line waits).
    public func newLines() -> [String] {
        position.withLock { position in
            guard let handle = try? FileHandle(forReadingFrom: url) else { return [] }
            defer { try? handle.close() }
            do {
                try handle.seek(toOffset: position.offset)
                guard let data = try handle.readToEnd(), !data.isEmpty else { return [] }
                position.offset += UInt64(data.count)
                position.partial.append(data)
            } catch {
                return []
            }
            guard let lastNewline = position.partial.lastIndex(of: 0x0A) else { return [] }
            let complete = position.partial[position.partial.startIndex...lastNewline]
            position.partial = Data(position.partial[position.partial.index(after: lastNewline)...])
            return String(decoding: complete, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false)
                .dropLast().map { String($0) }
        }
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
