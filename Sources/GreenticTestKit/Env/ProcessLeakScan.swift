import CProcessSpawn
import Foundation

/// Finds the processes a test environment's services left running. Every service starts with
/// `GREENTIC_TESTENV_ID=<marker>` in its environment, which its children inherit even when they
/// leave the service's process group (`setsid`, a daemonising double fork); a process that still
/// carries the marker after teardown outlived the environment. Members of the services' own
/// groups are not leaks: stopping a service sends SIGKILL to its whole group, so they are dying.
/// Reads `/proc` (Linux); elsewhere it finds nothing.
enum ProcessLeakScan {
    static let variable = "GREENTIC_TESTENV_ID"

    /// A live process carrying the marker.
    struct Survivor: Equatable {
        var pid: pid_t
        var command: String
    }

    static func survivors(marker: String, excludingGroups groups: Set<pid_t>,
                          proc: URL = URL(fileURLWithPath: "/proc")) -> [Survivor] {
        guard let entries = try? FileManager.default.contentsOfDirectory(atPath: proc.path) else { return [] }
        let needle = Array("\(variable)=\(marker)".utf8)
        let me = getpid()
        var found: [Survivor] = []
        for entry in entries {
            guard let pid = pid_t(entry), pid != me else { continue }
            let folder = proc.appendingPathComponent(entry)
            guard let environ = FileManager.default.contents(atPath: folder.appendingPathComponent("environ").path),
                  environ.split(separator: 0, omittingEmptySubsequences: true).contains(where: { $0.elementsEqual(needle) }),
                  let stat = FileManager.default.contents(atPath: folder.appendingPathComponent("stat").path),
                  let (state, group) = parseStat(stat),
                  state != "Z", state != "X", !groups.contains(group) else { continue }
            let cmdline = FileManager.default.contents(atPath: folder.appendingPathComponent("cmdline").path) ?? Data()
            let command = cmdline.split(separator: 0).map { String(decoding: $0, as: UTF8.self) }.joined(separator: " ")
            found.append(Survivor(pid: pid, command: command.isEmpty ? "?" : command))
        }
        return found.sorted { $0.pid < $1.pid }
    }

    /// Waits until these processes have ended, or `timeout` passed: for processes that left
    /// their service's group but end by themselves once it is gone (Chromium's crash handler
    /// watches the browser and exits after it). Event-driven on Linux (a pidfd becomes readable
    /// when its process ends); returns the pids still alive.
    static func awaitExit(_ pids: [pid_t], timeout: Duration) async -> [pid_t] {
        guard !pids.isEmpty else { return [] }
        return await withCheckedContinuation { (c: CheckedContinuation<[pid_t], Never>) in
            DispatchQueue.global().async {
                var fds: [pollfd] = []
                var alive: [pid_t] = []
                var unwatchable: [pid_t] = []
                for pid in pids {
                    let fd = gt_pidfd_open(pid)
                    if fd >= 0 {
                        fds.append(pollfd(fd: fd, events: Int16(POLLIN), revents: 0))
                        alive.append(pid)
                    } else if errno != ESRCH {
                        unwatchable.append(pid)  // alive, but no pidfd: counted as still running
                    }
                }
                let deadline = ContinuousClock.now + timeout
                while !fds.isEmpty, ContinuousClock.now < deadline {
                    let left = deadline - ContinuousClock.now
                    let ms = Int32(max(1, min(Double(Int32.max), left.fractionalMilliseconds.rounded(.up))))
                    guard poll(&fds, nfds_t(fds.count), ms) > 0 else { continue }
                    for index in fds.indices.reversed() where fds[index].revents != 0 {
                        close(fds[index].fd)
                        fds.remove(at: index)
                        alive.remove(at: index)
                    }
                }
                for fd in fds { close(fd.fd) }
                c.resume(returning: alive + unwatchable)
            }
        }
    }

    /// The state letter and process group of a `/proc/<pid>/stat` line. The command name is in
    /// parentheses and may hold spaces or parentheses, so fields are counted after the last `)`.
    static func parseStat(_ data: Data) -> (state: Character, group: pid_t)? {
        let text = String(decoding: data, as: UTF8.self)
        guard let close = text.lastIndex(of: ")") else { return nil }
        let fields = text[text.index(after: close)...].split(separator: " ")
        // state ppid pgrp ...
        guard fields.count >= 3, let state = fields[0].first, let group = pid_t(fields[2]) else { return nil }
        return (state, group)
    }
}
