import Foundation
import Synchronization

/// A running service: its pid and process group, log file, values captured while it became
/// ready, and how it ended. Stop it with `stop()` (the owning `TestEnv` stops it at the end).
public final class ServiceProcess: Sendable {
    public let name: String
    public let spec: ServiceSpec
    public let pid: pid_t
    /// Process start time in clock ticks (with `pid`, identifies the process across pid reuse).
    public let startTime: UInt64
    public let logURL: URL
    public let executablePath: String
    /// The live reader of its stdout and stderr.
    public let output: ServiceOutput

    private struct State {
        var exit: ExitStatus?
        var exitedAt: ContinuousClock.Instant?
        var waiters: [CheckedContinuation<ExitStatus, Never>] = []
        var captures: [String: String] = [:]
        var stopRequested = false
    }
    private let state = Mutex(State())

    init(name: String, spec: ServiceSpec, pid: pid_t, startTime: UInt64, logURL: URL, executablePath: String, output: ServiceOutput) {
        self.name = name
        self.spec = spec
        self.pid = pid
        self.startTime = startTime
        self.logURL = logURL
        self.executablePath = executablePath
        self.output = output
        Thread.detachNewThread { [self] in
            let status = ProcessLauncher.waitForExit(pid: pid)
            let waiters = state.withLock { s -> [CheckedContinuation<ExitStatus, Never>] in
                s.exit = status
                s.exitedAt = .now
                defer { s.waiters = [] }
                return s.waiters
            }
            waiters.forEach { $0.resume(returning: status) }
        }
    }

    /// Values captured by readiness log-line checks (for example `port`).
    public var captures: [String: String] {
        state.withLock { $0.captures }
    }

    /// A captured value, such as the port a server chose.
    public func capture(_ key: String) -> String? {
        captures[key]
    }

    /// Adds values to `captures` (for example a port chosen before the start).
    public func setCaptures(_ values: [String: String]) {
        state.withLock { $0.captures.merge(values) { _, new in new } }
    }

    /// How the process ended, or nil while it runs.
    public var exitStatus: ExitStatus? {
        state.withLock { $0.exit }
    }

    public var isRunning: Bool { exitStatus == nil }

    /// When the process was seen to end (nil while it runs).
    public var exitedAt: ContinuousClock.Instant? {
        state.withLock { $0.exitedAt }
    }

    /// Waits for the process to end and for what it wrote before ending to be read: the log
    /// file, `logTail` and the timeline hold its last lines when this returns.
    public func waitForExit() async -> ExitStatus {
        let status = await withCheckedContinuation { (c: CheckedContinuation<ExitStatus, Never>) in
            let done: ExitStatus? = state.withLock { s in
                if let exit = s.exit { return exit }
                s.waiters.append(c)
                return nil
            }
            if let done { c.resume(returning: done) }
        }
        await output.caughtUp()
        return status
    }

    /// Waits up to `timeout` for the process to end (then, as `waitForExit()`, for its last
    /// output to be read); nil if it is still running.
    public func waitForExit(timeout: Duration) async -> ExitStatus? {
        let deadline = ContinuousClock.now + timeout
        var interval = Duration.milliseconds(1)
        while ContinuousClock.now < deadline {
            if let exit = exitStatus {
                await output.caughtUp()
                return exit
            }
            try? await Task.sleep(for: interval)
            interval = min(interval * 2, .milliseconds(20))
        }
        guard let exit = exitStatus else { return nil }
        await output.caughtUp()
        return exit
    }

    /// Stops the whole process group: the stop signal, then `SIGKILL` after the grace period.
    /// Members left in the group after the leader exits are killed too. Returns how it ended.
    @discardableResult
    public func stop(grace: Duration? = nil) async -> ExitStatus {
        state.withLock { $0.stopRequested = true }
        if exitStatus == nil {
            signalGroup(spec.stopSignal)
            if await waitForExit(timeout: grace ?? spec.stopGrace) == nil {
                signalGroup(SIGKILL)
            }
        }
        let status = await waitForExit()
        signalGroup(SIGKILL)
        return status
    }

    /// Whether `stop()` was called (an exit after that is expected, not a crash).
    public var wasStopRequested: Bool {
        state.withLock { $0.stopRequested }
    }

    /// Sends a signal to the service's process group.
    public func signalGroup(_ signal: Int32) {
        _ = killpg(pid, signal)
    }

    /// The last lines of the service's log.
    public func logTail(lines: Int = 20) -> String {
        LogFollower.tail(of: logURL, lines: lines)
    }
}
