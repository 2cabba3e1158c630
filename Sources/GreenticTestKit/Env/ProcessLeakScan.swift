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
