import Crypto
import Foundation
import ZIPFoundation

/// Why a pack archive was refused.
package enum PackArchiveError: Error, CustomStringConvertible, Equatable {
    case invalid(String)
    case tampered(String)
    case badSignature(String)
    case unsafePath(String)

    public var description: String {
        switch self {
        case .invalid(let m): "invalid pack archive: \(m)"
        case .tampered(let m): "pack archive failed verification: \(m)"
        case .badSignature(let m): "pack archive signature rejected: \(m)"
        case .unsafePath(let p): "pack archive refused: unsafe path '\(p)'"
        }
    }
}
