import Foundation
import GreenticTestKit

/// The on-disk side of `FileSessionStore`: locking, loading, appending with fsync, catching up
/// on other processes' appends, and compaction.
struct JournalFile {
    static let header = #"{"format":"greentic-sessions-journal","version":1}"#

    let path: String
    let lockPath: String
    private var lockFD: Int32 = -1
    /// Bytes of the file already applied, and the identity of the file they came from.
    private var offset: Int = 0
    private var inode: UInt64 = 0
    private var lines = 0
    private var isLegacy = false

    init(path: String) throws {
        self.path = path
        self.lockPath = path + ".lock"
        let dir = (path as NSString).deletingLastPathComponent
        if !dir.isEmpty {
            do { try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true) } catch {
                throw SessionStoreError.io(path: path, reason: "cannot create folder \(dir): \(error)")
            }
        }
        lockFD = open(lockPath, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
        guard lockFD >= 0 else { throw SessionStoreError.io(path: lockPath, reason: String(cString: strerror(errno))) }
    }

    /// Runs `body` holding the cross-process lock.
    func withLock<T>(exclusive: Bool, _ body: () throws -> T) throws -> T {
        while flock(lockFD, exclusive ? LOCK_EX : LOCK_SH) != 0 {
            if errno != EINTR { throw SessionStoreError.io(path: lockPath, reason: "lock failed: \(String(cString: strerror(errno)))") }
        }
        defer { flock(lockFD, LOCK_UN) }
        return try body()
    }

    /// Whether the file differs from what was applied (another process appended or compacted).
    func changedOnDisk() -> Bool {
        var st = stat()
        guard stat(path, &st) == 0 else { return true }
        return UInt64(st.st_ino) != inode || Int(st.st_size) != offset
    }

    /// Loads the whole file (creating it when absent). Call with the exclusive lock held.
    mutating func loadAll() throws -> [SessionKey: SessionRecord] {
        var map: [SessionKey: SessionRecord] = [:]
        if !FileManager.default.fileExists(atPath: path) {
            try writeAtomically([Self.header])
        }
        offset = 0
        lines = 0
        inode = 0
        try apply(into: &map)
        return map
    }

    /// Applies bytes appended since the last call; reloads everything after a compaction.
    mutating func apply(into map: inout [SessionKey: SessionRecord]) throws {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw SessionStoreError.io(path: path, reason: String(cString: strerror(errno))) }
        defer { close(fd) }
        var st = stat()
        guard fstat(fd, &st) == 0 else { throw SessionStoreError.io(path: path, reason: String(cString: strerror(errno))) }
        if UInt64(st.st_ino) != inode || Int(st.st_size) < offset {
            map = [:]
            offset = 0
            lines = 0
            inode = UInt64(st.st_ino)
            isLegacy = false
        }
        let size = Int(st.st_size)
        guard size > offset else { return }
        let wanted = size - offset
        var data = [UInt8](repeating: 0, count: wanted)
        var read = 0
        let start = offset
        while read < wanted {
            let done = read
            let n = data.withUnsafeMutableBytes { pread(fd, $0.baseAddress! + done, wanted - done, off_t(start + done)) }
            if n < 0 && errno == EINTR { continue }
            guard n > 0 else { break }
            read += n
        }
        data.removeLast(data.count - read)
        if offset == 0, let first = data.first(where: { !($0 == 0x20 || $0 == 0x0A || $0 == 0x0D || $0 == 0x09) }), first == UInt8(ascii: "[") {
            try loadLegacy(data, into: &map)
            offset = data.count
            isLegacy = true
            return
        }
        var lineStart = 0
        while lineStart < data.count {
            guard let newline = data[lineStart...].firstIndex(of: 0x0A) else {
                // A torn tail: an append cut short by a crash, never acknowledged. Drop it.
                try truncateTornTail(at: offset + lineStart)
                break
            }
            let bytes = data[lineStart..<newline]
            let lineOffset = offset + lineStart
            lineStart = newline + 1
            if bytes.allSatisfy({ $0 == 0x20 || $0 == 0x0D || $0 == 0x09 }) { continue }
            try applyLine(Array(bytes), at: lineOffset, into: &map)
            lines += 1
        }
        offset += lineStart
    }

    private mutating func truncateTornTail(at position: Int) throws {
        let fd = open(path, O_WRONLY | O_CLOEXEC)
        guard fd >= 0, ftruncate(fd, off_t(position)) == 0, fsync(fd) == 0 else {
            if fd >= 0 { close(fd) }
            throw SessionStoreError.io(path: path, reason: "cannot drop the torn last line at byte \(position)")
        }
        close(fd)
        HarnessLogger.shared.warning("session file \(path): dropped an incomplete last line at byte \(position) (left by a crash)")
    }

    private func applyLine(_ bytes: [UInt8], at lineOffset: Int, into map: inout [SessionKey: SessionRecord]) throws {
        let value: JSONValue
        do { value = try JSONValue.parse(Data(bytes)) } catch {
            throw SessionStoreError.corruptFile(path: path, offset: lineOffset, reason: "line is not valid JSON")
        }
        if value["format"] != nil { return }
        do {
            switch value["op"]?.stringValue {
            case "put":
                let r = try SessionRecord(stored: value["record"] ?? .null)
                map[SessionKey(r)] = r
            case "del":
                for item in value["keys"]?.arrayValue ?? [] {
                    guard let pair = item.arrayValue, pair.count == 2, let t = pair[0].stringValue, let k = pair[1].stringValue else {
                        throw SessionStoreError.corruptRecord("bad key in del")
                    }
                    map.removeValue(forKey: SessionKey(tenant: t, key: k))
                }
            default:
                throw SessionStoreError.corruptRecord("unknown operation")
            }
        } catch let error as SessionStoreError {
            throw SessionStoreError.corruptFile(path: path, offset: lineOffset, reason: "\(error)")
        }
    }

    private func loadLegacy(_ data: [UInt8], into map: inout [SessionKey: SessionRecord]) throws {
        let value: JSONValue
        do { value = try JSONValue.parse(Data(data)) } catch {
            throw SessionStoreError.corruptFile(path: path, offset: 0, reason: "legacy JSON array is not valid JSON")
        }
        guard let items = value.arrayValue else {
            throw SessionStoreError.corruptFile(path: path, offset: 0, reason: "expected a JSON array of sessions")
        }
        for (i, item) in items.enumerated() {
            do {
                let r = try SessionRecord(stored: item)
                map[SessionKey(r)] = r
            } catch {
                throw SessionStoreError.corruptFile(path: path, offset: 0, reason: "session #\(i) of the legacy array: \(error)")
            }
        }
    }

    static func deleteLine(_ keys: [SessionKey]) -> String {
        JSONWriter.compact(.object([
            ("op", .string("del")),
            ("keys", .array(keys.map { .array([.string($0.tenant), .string($0.key)]) })),
        ]))
    }

    /// Appends lines with one write and one fsync. Call with the exclusive lock held, after `apply`.
    mutating func append(_ newLines: [String]) throws {
        if isLegacy {
            // Convert the original's JSON array before the first append.
            var map: [SessionKey: SessionRecord] = [:]
            offset = 0
            inode = 0
            try apply(into: &map)
            try compact(map)
        }
        let text = newLines.joined(separator: "\n") + "\n"
        let fd = open(path, O_WRONLY | O_APPEND | O_CLOEXEC)
        guard fd >= 0 else { throw SessionStoreError.io(path: path, reason: String(cString: strerror(errno))) }
        defer { close(fd) }
        let bytes = Array(text.utf8)
        var written = 0
        while written < bytes.count {
            let n = bytes.withUnsafeBytes { write(fd, $0.baseAddress! + written, bytes.count - written) }
            if n < 0 && errno == EINTR { continue }
            guard n > 0 else { throw SessionStoreError.io(path: path, reason: "write failed: \(String(cString: strerror(errno)))") }
            written += n
        }
        guard fsync(fd) == 0 else { throw SessionStoreError.io(path: path, reason: "fsync failed: \(String(cString: strerror(errno)))") }
        offset += bytes.count
        lines += newLines.count
    }

    func shouldCompact(live: Int) -> Bool {
        lines > 2 * live + 1000
    }

    /// Rewrites the file with one `put` per live record (temp file, fsync, rename, fsync folder).
    mutating func compact(_ map: [SessionKey: SessionRecord]) throws {
        let records = map.values.sorted { ($0.tenant, $0.key) < ($1.tenant, $1.key) }
        let lines = [Self.header] + records.map {
            JSONWriter.compact(.object([("op", .string("put")), ("record", $0.storedJSON)]))
        }
        try writeAtomically(lines)
        var st = stat()
        guard stat(path, &st) == 0 else { throw SessionStoreError.io(path: path, reason: "stat after compaction failed") }
        inode = UInt64(st.st_ino)
        offset = Int(st.st_size)
        self.lines = records.count
        isLegacy = false
    }

    private func writeAtomically(_ lines: [String]) throws {
        let temp = path + ".tmp-\(getpid())"
        let fd = open(temp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw SessionStoreError.io(path: temp, reason: String(cString: strerror(errno))) }
        let bytes = Array((lines.joined(separator: "\n") + "\n").utf8)
        var written = 0
        while written < bytes.count {
            let n = bytes.withUnsafeBytes { write(fd, $0.baseAddress! + written, bytes.count - written) }
            if n < 0 && errno == EINTR { continue }
            guard n > 0 else { close(fd); throw SessionStoreError.io(path: temp, reason: "write failed") }
            written += n
        }
        guard fsync(fd) == 0 else { close(fd); throw SessionStoreError.io(path: temp, reason: "fsync failed") }
        close(fd)
        guard rename(temp, path) == 0 else { throw SessionStoreError.io(path: path, reason: "rename failed: \(String(cString: strerror(errno)))") }
        let dir = (path as NSString).deletingLastPathComponent
        let dfd = open(dir.isEmpty ? "." : dir, O_RDONLY | O_CLOEXEC)
        if dfd >= 0 { fsync(dfd); close(dfd) }
    }
}
