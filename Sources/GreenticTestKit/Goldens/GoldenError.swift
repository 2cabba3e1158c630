import Foundation

/// Why a golden check failed.
public enum GoldenError: Error, CustomStringConvertible, Equatable {
    case missing(path: String, hint: String)
    case unreadable(path: String, reason: String)
    case mismatch(path: String, diff: String, rerecorded: Bool)
    case invalidRecordMode(String)

    public var description: String {
        switch self {
        case .missing(let path, let hint):
            "golden \(path) does not exist (GOLDEN_RECORD=never); \(hint)"
        case .unreadable(let path, let reason):
            "golden \(path) cannot be read as a golden: \(reason)"
        case .mismatch(let path, let diff, let rerecorded):
            "value differs from golden \(path)\(rerecorded ? " (re-recorded; review the change)" : ""):\n\(diff)"
        case .invalidRecordMode(let raw):
            "GOLDEN_RECORD=\(raw) is not one of never, missing, failed, all"
        }
    }
}
