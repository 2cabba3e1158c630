import Crypto
import Foundation
import GreenticTestKit

/// Why reports could not be rendered or compared.
package enum RenderError: Error, CustomStringConvertible, Equatable {
    case noPacks(String)
    case unreadable(String)
    case invalid(String)
    case invalidGolden(String)

    public var description: String {
        switch self {
        case .noPacks(let root): "no pack manifests under \(root)"
        case .unreadable(let path): "failed to read \(path)"
        case .invalid(let message): "validation error: \(message)"
        case .invalidGolden(let message): "invalid render golden: \(message)"
        }
    }
}
