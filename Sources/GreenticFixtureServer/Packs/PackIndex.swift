import Foundation
import GreenticTestKit

/// The fixture server's view of the packs under a root (`PackCatalog`), sorted by id, with the
/// override resolution of `GET /packs`.
package struct PackIndex: Sendable, Equatable {
    public let root: String
    public let entries: [PackEntry]
    /// Set when the root folder does not exist (the index is then empty).
    public let rootMissing: Bool

    public init(root: String, entries: [PackEntry], rootMissing: Bool = false) {
        self.root = root
        self.entries = entries
        self.rootMissing = rootMissing
    }

    /// Reads `root` through `PackCatalog` (its errors are this index's).
    public static func build(root: String) throws(PackCatalogError) -> PackIndex {
        let catalog = try PackCatalog.load(root: URL(fileURLWithPath: root))
        if catalog.rootMissing { return PackIndex(root: root, entries: [], rootMissing: true) }
        let entries = catalog.packs.map { PackEntry(id: $0.id, name: $0.name, kind: $0.kind, path: $0.directory.path, manifest: $0.manifest) }
        return PackIndex(root: catalog.root.path, entries: entries.sorted { ($0.id, $0.path) < ($1.id, $1.path) })
    }

    /// Override resolution: keys `tenant:team:user`, `tenant:team`, `tenant` (most specific
    /// first) matched against pack ids; when none matches, every pack is returned.
    public func resolve(tenant: String?, team: String?, user: String?) -> PackResolution {
        var desired: [String] = []
        if let tenant {
            if let team {
                if let user { desired.append("\(tenant):\(team):\(user)") }
                desired.append("\(tenant):\(team)")
            }
            desired.append(tenant)
        }
        guard !desired.isEmpty else { return PackResolution(packs: entries, resolvedKeys: [], missingKeys: []) }
        var packs: [PackEntry] = []
        var resolved: [String] = []
        var missing: [String] = []
        for key in desired {
            if let entry = entries.first(where: { $0.id == key }) {
                packs.append(entry)
                resolved.append(key)
            } else {
                missing.append(key)
            }
        }
        if packs.isEmpty { return PackResolution(packs: entries, resolvedKeys: [], missingKeys: desired) }
        return PackResolution(packs: packs, resolvedKeys: resolved, missingKeys: missing)
    }
}
