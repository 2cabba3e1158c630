import Foundation
import Yams

/// A flow file could not be used.
package enum FlowError: Error, CustomStringConvertible, Equatable {
    case unreadable(path: String)
    case invalid(path: String, reason: String)

    public var description: String {
        switch self {
        case .unreadable(let path): "cannot read flow \(path)"
        case .invalid(let path, let reason): "invalid flow \(path): \(reason)"
        }
    }
}
