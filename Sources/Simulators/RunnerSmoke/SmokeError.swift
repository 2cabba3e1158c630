import Foundation
import GreenticTestKit

/// A runner-smoke failure.
package enum SmokeError: Error, CustomStringConvertible, Equatable {
    case message(String)
    case invariant(caseName: String, cause: String)

    public var description: String {
        switch self {
        case .message(let m): m
        case .invariant(let name, let cause): "case '\(name)': invariant failed: \(cause)"
        }
    }
}
