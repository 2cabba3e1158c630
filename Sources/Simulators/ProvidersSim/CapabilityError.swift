import Foundation
import GreenticTestKit

/// The capability map is unusable.
package enum CapabilityError: Error, CustomStringConvertible, Equatable {
    case invalid(String)

    public var description: String {
        switch self {
        case .invalid(let message): message
        }
    }
}
