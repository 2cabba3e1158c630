/// Why a service could not be started, became ready, or stopped as asked.
public enum ServiceError: Error, CustomStringConvertible {
    case executableNotFound(name: String, searched: [String])
    case spawnFailed(service: String, executable: String, reason: String)
    case exitedDuringStartup(service: String, status: ExitStatus, logPath: String, logTail: String)
    /// `outputBytes`: how much the service printed (0: nothing at all, often buffered output).
    /// `waitingFor`: the check that did not hold (its description).
    case notReady(service: String, waited: Duration, waitingFor: String, lastError: String, logPath: String, logTail: String, outputBytes: Int)
    case duplicateName(String)
    case invalidReadiness(service: String, reason: String)

    public var description: String {
        switch self {
        case .executableNotFound(let name, let searched):
            return "executable '\(name)' not found (searched: \(searched.joined(separator: ":")))"
        case .spawnFailed(let service, let executable, let reason):
            return "service \(service): could not start \(executable): \(reason)"
        case .exitedDuringStartup(let service, let status, let logPath, let tail):
            return "service \(service) \(status) while starting (log: \(logPath))\n--- last lines ---\n\(tail)"
        case .notReady(let service, let waited, let waitingFor, let lastError, let logPath, let tail, let bytes):
            let printed = bytes == 0
                ? "; it printed nothing at all on stdout or stderr. If it writes its ready line with print(), its output may be "
                    + "block-buffered (stdout is a pipe, not a terminal): write it with FileHandle.standardOutput.write, or "
                    + "setvbuf(stdout, nil, _IOLBF, 0) first, or fflush(stdout) after it (see docs/testenv.md, \"Ready lines\")"
                : "; it printed \(bytes) bytes"
            return "service \(service) not ready after \(waited) waiting for \(waitingFor): \(lastError)\(printed) (log: \(logPath))\n--- last lines ---\n\(tail)"
        case .duplicateName(let name):
            return "a service named '\(name)' is already running in this test"
        case .invalidReadiness(let service, let reason):
            return "service \(service): invalid readiness check: \(reason)"
        }
    }
}

extension ServiceError {
    /// The same error with the log's final last lines (read after the output was drained).
    func withLogTail(_ tail: String, outputBytes: Int) -> ServiceError {
        switch self {
        case .exitedDuringStartup(let service, let status, let logPath, _):
            .exitedDuringStartup(service: service, status: status, logPath: logPath, logTail: tail)
        case .notReady(let service, let waited, let waitingFor, let lastError, let logPath, _, _):
            .notReady(service: service, waited: waited, waitingFor: waitingFor, lastError: lastError, logPath: logPath, logTail: tail,
                      outputBytes: outputBytes)
        default:
            self
        }
    }

    /// The exit status, when the service ended while starting.
    public var exitStatus: ExitStatus? {
        if case .exitedDuringStartup(_, let status, _, _) = self { return status }
        return nil
    }

    /// The log's last lines, when the error carries them.
    public var logTail: String? {
        switch self {
        case .exitedDuringStartup(_, _, _, let tail), .notReady(_, _, _, _, _, let tail, _): tail
        default: nil
        }
    }
}
