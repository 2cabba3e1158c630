import Foundation
import GreenticTestKit

/// Why a plan could not be inferred.
package enum PlanError: Error, CustomStringConvertible, Equatable {
    case unreadable(String)
    case invalidManifest(String, String)
    case invalidSemVer(String, String)
    case noPacks(root: String)
    case packNotFound(String)

    public var description: String {
        switch self {
        case .unreadable(let path): "failed to read \(path)"
        case .invalidManifest(let path, let reason): "invalid pack manifest \(path): \(reason)"
        case .invalidSemVer(let path, let version): "invalid semver version in \(path): '\(version)'"
        case .noPacks(let root): "no packs found under \(root) (consider adjusting [packs].root or tenant defaults)"
        case .packNotFound(let id): "pack id \(id) not found in index"
        }
    }
}
