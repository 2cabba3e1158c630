import Foundation

/// Why a fixture could not be loaded.
public enum FixtureError: Error, CustomStringConvertible, Equatable {
    case unreadable(path: String)
    case invalidUTF8(path: String)
    case invalidJSON(path: String, reason: String)

    public var description: String {
        switch self {
        case .unreadable(let path): "failed to read fixture \(path): no such file or not readable"
        case .invalidUTF8(let path): "fixture \(path) is not valid UTF-8"
        case .invalidJSON(let path, let reason): "invalid JSON in fixture \(path): \(reason)"
        }
    }
}
