

/// Session store failures.
public enum SessionStoreError: Error, CustomStringConvertible, Equatable {
    case corruptRecord(String)
    case corruptFile(path: String, offset: Int, reason: String)
    case io(path: String, reason: String)
    case locked(path: String)
    case redis(String)
    case configuration(String)

    public var description: String {
        switch self {
        case .corruptRecord(let reason): "corrupt session record: \(reason)"
        case .corruptFile(let path, let offset, let reason):
            "session file \(path) is corrupt at byte \(offset): \(reason); the file was left untouched (move it away or repair it)"
        case .io(let path, let reason): "session file \(path): \(reason)"
        case .locked(let path): "session file \(path) is locked by another process"
        case .redis(let reason): "redis session store: \(reason)"
        case .configuration(let reason): reason
        }
    }
}
