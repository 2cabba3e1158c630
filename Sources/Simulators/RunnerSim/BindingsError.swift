import Foundation
import GreenticTestKit
import Yams

/// A bindings file that cannot be used.
package enum BindingsError: Error, CustomStringConvertible, Equatable {
    case invalid(path: String, reason: String)
    case unbound(path: String, problems: [String])

    public var description: String {
        switch self {
        case .invalid(let path, let reason): "bindings \(path): \(reason)"
        case .unbound(let path, let problems): "bindings \(path) do not cover the flows: " + problems.joined(separator: "; ")
        }
    }
}
