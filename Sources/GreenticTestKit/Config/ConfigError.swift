import Foundation
import TOMLKit
import Yams

/// Why configuration could not be loaded.
public enum ConfigError: Error, CustomStringConvertible, Equatable {
    case unreadable(path: String)
    case invalid(path: String, reason: String)
    case invalidValue(key: String, reason: String)

    public var description: String {
        switch self {
        case .unreadable(let path): "cannot read config file \(path)"
        case .invalid(let path, let reason): "invalid config file \(path): \(reason)"
        case .invalidValue(let key, let reason): "invalid config value for \(key): \(reason)"
        }
    }
}
