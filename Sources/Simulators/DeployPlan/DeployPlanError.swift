import Foundation
import GreenticTestKit
import Synchronization

/// Deploy-plan failures.
package enum DeployPlanError: Error, CustomStringConvertible, Equatable {
    case outsideSandbox(String)
    case runtime(String)

    public var description: String {
        switch self {
        case .outsideSandbox(let path): "refusing to write \(path): outside the /iac sandbox"
        case .runtime(let message): message
        }
    }
}
