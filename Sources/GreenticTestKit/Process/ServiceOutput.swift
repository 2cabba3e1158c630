import CProcessSpawn
import Foundation
import Synchronization

/// A service's stdout and stderr, read from a pipe as the service writes them: each complete
/// line goes to the timeline (kind `log`, the service's name as source) the moment it is read,
/// and all bytes are appended to the service's log file.
///
/// One thread per service blocks in `poll(2)` on the pipe (never a thread of the cooperative
/// pool). The reader stops at end of file — every writer closed the pipe — or when `finish()`
/// asks it to: it then reads whatever is already in the pipe and stops, so a process that left
/// the service's group still holding the pipe cannot keep the reader alive.
///
/// With a timeline, the pipe is also a `TimelineBacklog`: before the timeline stamps any other
/// event (a NATS message, a step), it reads what this pipe holds, so a line the service wrote
/// before the event happened is never placed after it, however late this thread is scheduled.
public final class ServiceOutput: Sendable, TimelineBacklog {
    static let finishRequest: UInt8 = 1
    static let syncRequest: UInt8 = 2

    /// A line longer than this is handed over in pieces (the log file keeps every byte).
    static let maximumLine = 64 * 1024

    private struct State {
        var done = false
        var wakeOpen = true
        var waiters: [CheckedContinuation<Void, Never>] = []
        var syncWaiters: [CheckedContinuation<Void, Never>] = []
    }
    /// The pipe's reading side: taken by the reader thread and by the timeline's backlog reads.
    private struct Reader {
        var readFD: Int32
        var logFD: Int32
        var splitter: LineSplitter
        var buffer = [UInt8](repeating: 0, count: 64 * 1024)
        var bytes = 0
        /// End of file seen, or a read error: nothing more will come.
        var ended = false
        /// The descriptors are closed; reading is over.
        var closed = false
    }
    private let state = Mutex(State())
    private let reader: Mutex<Reader>
    private let timeline: Timeline?
    private let wakeWrite: Int32
    private let wakeRead: Int32

    /// Starts reading `readFD` (taking ownership of it), appending to `logURL`; lines go to
    /// `timeline` under `source`.
    init(readFD: Int32, logURL: URL, owner: SystemUser? = nil, timeline: Timeline? = nil, source: String = "service") throws {
        var wake: [Int32] = [-1, -1]
        guard gt_pipe_cloexec(&wake) == 0 else {
            close(readFD)
            throw SystemCallError.current(context: "pipe")
        }
        let logFD = open(logURL.path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0o644)
        guard logFD >= 0 else {
            close(readFD)
            close(wake[0])
            close(wake[1])
            throw SystemCallError.current(context: "open \(logURL.path)")
        }
        if let owner { _ = fchown(logFD, owner.uid, owner.gid) }
        _ = fcntl(readFD, F_SETFL, fcntl(readFD, F_GETFL) | O_NONBLOCK)
        _ = fcntl(wake[0], F_SETFL, fcntl(wake[0], F_GETFL) | O_NONBLOCK)
        wakeWrite = wake[1]
        wakeRead = wake[0]
        self.timeline = timeline
        var onLine: (@Sendable (String) -> Void)?
        if let timeline {
            onLine = { (line: String) in timeline.appendInOrder(kind: "log", source: source, data: ["line": .string(line)]) }
        }
        reader = Mutex(Reader(readFD: readFD, logFD: logFD, splitter: LineSplitter(onLine: onLine)))
        timeline?.register(self)
        let wakeRead = wake[0]
        Thread.detachNewThread { [self] in
            pump(readFD: readFD, wakeFD: wakeRead)
            ordered {
                reader.withLock { r in
                    r.splitter.flush()
                    close(r.readFD)
                    close(r.logFD)
                    r.closed = true
                }
            }
            timeline?.unregister(self)
            let waiters = state.withLock { s -> [CheckedContinuation<Void, Never>] in
                s.done = true
                defer { s.waiters = []; s.syncWaiters = [] }
                return s.waiters + s.syncWaiters
            }
            waiters.forEach { $0.resume() }
        }
    }

    /// Bytes read so far (0: the service has printed nothing at all).
    public var bytesRead: Int { reader.withLock { $0.bytes } }

    /// Reads what the pipe still holds, then stops; returns once every line is handed over.
    /// Call it after the process ended.
    public func finish() async {
        // The wake pipe stays open until the reader has stopped, so this write never meets a
        // closed pipe.
        state.withLock { s in
            if !s.done && s.wakeOpen {
                var byte = Self.finishRequest
                _ = write(wakeWrite, &byte, 1)
            }
        }
        await withCheckedContinuation { (c: CheckedContinuation<Void, Never>) in
            let done = state.withLock { s -> Bool in
                if s.done { return true }
                s.waiters.append(c)
                return false
            }
            if done { c.resume() }
        }
        closeWake()
    }

    /// Returns once everything written to the pipe before the call has been read and handed
    /// over, the reader going on afterwards. After the process exited, that is all its output.
    public func caughtUp() async {
        await withCheckedContinuation { (c: CheckedContinuation<Void, Never>) in
            let registered = state.withLock { s -> Bool in
                guard !s.done, s.wakeOpen else { return false }
                s.syncWaiters.append(c)
                var byte = Self.syncRequest
                _ = write(wakeWrite, &byte, 1)
                return true
            }
            if !registered { c.resume() }
        }
    }

    /// Reads everything the pipe holds now, up to `EAGAIN` or the end of the file, handing the
    /// lines over. Called by the timeline, in its order, before it stamps another event.
    func readBacklog() {
        reader.withLock { r in
            guard !r.closed, !r.ended else { return }
            while true {
                let n = r.buffer.withUnsafeMutableBytes { read(r.readFD, $0.baseAddress, $0.count) }
                if n > 0 {
                    r.bytes += n
                    // Lines go to the timeline before the log file has them, so nothing that
                    // watches the file (readiness) can act on a line the timeline has not got yet.
                    r.buffer.withUnsafeBytes { r.splitter.consume(UnsafeRawBufferPointer(rebasing: $0[0..<n])) }
                    _ = r.buffer.withUnsafeBytes { Self.writeAll(r.logFD, UnsafeRawBufferPointer(rebasing: $0[0..<n])) }
                    continue
                }
                if n < 0 && errno == EINTR { continue }
                r.ended = n == 0 || (errno != EAGAIN && errno != EWOULDBLOCK)
                return
            }
        }
    }

    /// Runs `body` in the timeline's order (or at once without a timeline).
    private func ordered(_ body: () -> Void) {
        if let timeline { timeline.inOrder(body) } else { body() }
    }

    private func closeWake() {
        state.withLock { s in
            guard s.wakeOpen else { return }
            s.wakeOpen = false
            close(wakeWrite)
            close(wakeRead)
        }
    }

    deinit {
        // Only reached once the reader thread (which holds `self`) has stopped.
        closeWake()
    }

    private static func writeAll(_ fd: Int32, _ bytes: UnsafeRawBufferPointer) -> Bool {
        var offset = 0
        while offset < bytes.count {
            let n = write(fd, bytes.baseAddress! + offset, bytes.count - offset)
            if n < 0 {
                if errno == EINTR { continue }
                return false
            }
            offset += n
        }
        return true
    }

    private func pump(readFD: Int32, wakeFD: Int32) {
        var fds = [pollfd(fd: readFD, events: Int16(POLLIN), revents: 0), pollfd(fd: wakeFD, events: Int16(POLLIN), revents: 0)]
        while true {
            fds[0].revents = 0
            fds[1].revents = 0
            if poll(&fds, 2, -1) < 0 {
                if errno == EINTR { continue }
                return
            }
            var finishing = false
            var syncing: [CheckedContinuation<Void, Never>] = []
            if fds[1].revents != 0 {
                var requests = [UInt8](repeating: 0, count: 64)
                let n = requests.withUnsafeMutableBytes { read(wakeFD, $0.baseAddress, $0.count) }
                if n > 0 { finishing = requests[0..<n].contains(Self.finishRequest) }
                // Taken after reading the requests and before reading the output: a waiter
                // registered later wrote its request after this read, so it wakes the next poll.
                syncing = state.withLock { s in
                    defer { s.syncWaiters = [] }
                    return s.syncWaiters
                }
            }
            // Everything the pipe holds now (a backlog read may have taken some already).
            ordered { readBacklog() }
            syncing.forEach { $0.resume() }
            if finishing || reader.withLock({ $0.ended }) { return }
        }
    }
}
