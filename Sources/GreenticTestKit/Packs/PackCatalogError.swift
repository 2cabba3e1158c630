import Foundation

/// A packs root or one of its manifests that the catalogue cannot use.
package enum PackCatalogError: Error, CustomStringConvertible, Equatable {
    case unreadableRoot(path: String, reason: String)
    case unreadableManifest(path: String)
    case invalidManifest(path: String, reason: String)
    case duplicateID(id: String, paths: [String])

    public var description: String {
        switch self {
        case .unreadableRoot(let path, let reason): "cannot read packs root \(path): \(reason)"
        case .unreadableManifest(let path): "failed to read \(path)"
        case .invalidManifest(let path, let reason): "invalid pack manifest \(path): \(reason)"
        case .duplicateID(let id, let paths): "duplicate pack id '\(id)' in \(paths.joined(separator: " and "))"
        }
    }
}
