import Foundation

/// Looks at processes through /proc, for assertions about what is still alive.
public enum ProcessProbe {
    /// True when no process with this pid runs (absent, or a zombie waiting to be reaped).
    public static func isGone(_ pid: Int32) -> Bool {
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
              let close = stat.lastIndex(of: ")") else { return true }
        let state = stat[stat.index(close, offsetBy: 2)...].first
        return state == "Z" || state == "X"
    }

    /// Waits up to `timeout` for the process to be gone.
    public static func waitGone(_ pid: Int32, timeout: Duration = .seconds(3)) async -> Bool {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            if isGone(pid) { return true }
            try? await Task.sleep(for: .milliseconds(20))
        }
        return isGone(pid)
    }

    /// Pids of live processes whose command line contains `fragment`.
    public static func pids(commandContaining fragment: String) -> [Int32] {
        let entries = (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []
        return entries.compactMap(Int32.init).filter { pid in
            guard !isGone(pid), let data = FileManager.default.contents(atPath: "/proc/\(pid)/cmdline") else { return false }
            let cmd = String(decoding: data.map { $0 == 0 ? 0x20 : $0 }, as: UTF8.self)
            return cmd.contains(fragment)
        }
    }
}

extension ProcessProbe {
    /// Pids of live processes whose argument vector is exactly `argv`.
    public static func pids(argv: [String]) -> [Int32] {
        let entries = (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []
        return entries.compactMap(Int32.init).filter { pid in
            guard !isGone(pid), let data = FileManager.default.contents(atPath: "/proc/\(pid)/cmdline") else { return false }
            let args = data.split(separator: 0, omittingEmptySubsequences: false).dropLast().map { String(decoding: $0, as: UTF8.self) }
            return args == argv
        }
    }
}
