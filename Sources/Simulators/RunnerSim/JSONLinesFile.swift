import Foundation
import Synchronization

/// An append-only JSON-lines file (created empty, parent folders included); nil URL keeps
/// nothing. Appends are serialised so concurrent writers never interleave a line.
package final class JSONLinesFile: Sendable {
    public let url: URL?
    private let lock = Mutex<Void>(())

    public init(url: URL?) {
        self.url = url
        if let url {
            try? FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            _ = FileManager.default.createFile(atPath: url.path, contents: nil)
        }
    }

    /// Appends text that already ends with a newline.
    public func append(_ text: String) {
        guard let url, !text.isEmpty else { return }
        lock.withLock { _ in
            guard let handle = try? FileHandle(forWritingTo: url) else { return }
            handle.seekToEndOfFile()
            handle.write(Data(text.utf8))
            try? handle.close()
        }
    }
}
