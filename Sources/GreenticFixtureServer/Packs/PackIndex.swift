import Foundation
import GreenticTestKit

/// The packs under a root folder: each immediate sub-folder holding a `pack.json`, sorted by id.
/// A manifest that cannot be read or parsed is an error naming the file; duplicate ids are an
/// error naming both folders.
public struct PackIndex: Sendable, Equatable {
    public let root: String
    public let entries: [PackEntry]
    /// Set when the root folder does not exist (the index is then empty).
    public let rootMissing: Bool

    public init(root: String, entries: [PackEntry], rootMissing: Bool = false) {
        self.root = root
        self.entries = entries
        self.rootMissing = rootMissing
    }

    /// Scans `root`.
    public static func build(root: String) throws -> PackIndex {
        let fm = FileManager.default
        var isDir: ObjCBool = false
        guard fm.fileExists(atPath: root, isDirectory: &isDir), isDir.boolValue else {
            return PackIndex(root: root, entries: [], rootMissing: true)
        }
        let canonicalRoot = URL(fileURLWithPath: root).resolvingSymlinksInPath().path
        let children: [String]
        do { children = try fm.contentsOfDirectory(atPath: canonicalRoot) } catch {
            throw PackIndexError.unreadableRoot(path: canonicalRoot, reason: "\(error)")
        }
        var entries: [PackEntry] = []
        for child in children.sorted() {
            let dir = canonicalRoot + "/" + child
            var attributes = stat()
            guard lstat(dir, &attributes) == 0, (attributes.st_mode & S_IFMT) == S_IFDIR else { continue }
            let manifestPath = dir + "/pack.json"
            guard fm.fileExists(atPath: manifestPath) else { continue }
            guard let data = fm.contents(atPath: manifestPath) else { throw PackIndexError.unreadableManifest(path: manifestPath) }
            let manifest: JSONValue
            do { manifest = try JSONValue.parse(data) } catch {
                throw PackIndexError.invalidManifest(path: manifestPath, reason: "invalid JSON")
            }
            guard case .object = manifest else { throw PackIndexError.invalidManifest(path: manifestPath, reason: "not a JSON object") }
            guard let id = manifest["id"]?.stringValue, !id.isEmpty else {
                throw PackIndexError.invalidManifest(path: manifestPath, reason: "missing string \"id\"")
            }
            entries.append(PackEntry(id: id, name: manifest["name"]?.stringValue, kind: manifest["kind"]?.stringValue,
                                     path: dir, manifest: manifest))
        }
        entries.sort { ($0.id, $0.path) < ($1.id, $1.path) }
        for (a, b) in zip(entries, entries.dropFirst()) where a.id == b.id {
            throw PackIndexError.duplicateID(id: a.id, paths: [a.path, b.path])
        }
        return PackIndex(root: canonicalRoot, entries: entries)
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

/// Why the pack index could not be built.
public enum PackIndexError: Error, CustomStringConvertible, Equatable {
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
