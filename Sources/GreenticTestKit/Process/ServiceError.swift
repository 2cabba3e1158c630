/// Why a service could not be started, became ready, or stopped as asked.
public enum ServiceError: Error, CustomStringConvertible {
    case executableNotFound(name: String, searched: [String])
    case spawnFailed(service: String, executable: String, reason: String)
    case exitedDuringStartup(service: String, status: ExitStatus, logPath: String, logTail: String)
    case notReady(service: String, waited: Duration, lastError: String, logPath: String, logTail: String)
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
        case .notReady(let service, let waited, let lastError, let logPath, let tail):
            return "service \(service) not ready after \(waited): \(lastError) (log: \(logPath))\n--- last lines ---\n\(tail)"
        case .duplicateName(let name):
            return "a service named '\(name)' is already running in this test"
        case .invalidReadiness(let service, let reason):
            return "service \(service): invalid readiness check: \(reason)"
        }
    }
}

/// How a process ended.
public enum ExitStatus: Sendable, Equatable, CustomStringConvertible {
    case exited(Int32)
    case signalled(Int32)

    public var description: String {
        switch self {
        case .exited(let code): "exited with status \(code)"
        case .signalled(let signal): "was killed by signal \(signal)"
        }
    }
}
