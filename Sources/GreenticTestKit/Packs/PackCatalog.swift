import Foundation

/// The packs under a root folder, found and read one way for everything that reads packs (the
/// fixture server's index and watcher, the validator, the simulators, the stack and the CLI):
/// each immediate sub-folder (a real folder, not a symlink) holding a `pack.json`, in folder
/// name order. One error policy: a manifest that cannot be read, is not a JSON object or has no
/// string `id`, and two packs with one id, fail the whole catalogue with an error naming the
/// file, so no reader skips a broken pack that another refuses.
package struct PackCatalog: Sendable, Equatable {
    /// One pack: its id, folder and manifest.
    public struct Pack: Sendable, Equatable {
        public var id: String
        /// Absolute, canonical folder.
        public var directory: URL
        public var manifest: JSONValue

        public var manifestURL: URL { directory.appendingPathComponent(PackCatalog.manifestName) }
        public var name: String? { manifest["name"]?.stringValue }
        public var kind: String? { manifest["kind"]?.stringValue }

        /// `flows[]` entries that name a file: (id as declared, absolute path of the `.ygtc`).
        public var flowFiles: [(id: String?, path: String)] {
            (manifest["flows"]?.arrayValue ?? []).compactMap { entry in
                entry["file"]?.stringValue.map { (entry["id"]?.stringValue, directory.appendingPathComponent($0).standardizedFileURL.path) }
            }
        }

        /// `components[].id`.
        public var componentIDs: [String] {
            (manifest["components"]?.arrayValue ?? []).compactMap { $0["id"]?.stringValue }
        }
    }

    static let manifestName = "pack.json"

    /// The root as given, and canonical (symlinks resolved) when it exists.
    public let root: URL
    /// Sorted by folder name.
    public let packs: [Pack]
    /// The root folder does not exist (the catalogue is then empty).
    public let rootMissing: Bool

    public init(root: URL, packs: [Pack], rootMissing: Bool = false) {
        self.root = root
        self.packs = packs
        self.rootMissing = rootMissing
    }

    /// The manifests under `root`, unread: for a reader that reports each broken one itself
    /// (the validator). Throws only when the root exists and cannot be listed.
    public static func manifestURLs(root: URL) throws(PackCatalogError) -> [URL] {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: root.path, isDirectory: &isDirectory), isDirectory.boolValue else { return [] }
        let canonical = root.resolvingSymlinksInPath()
        let children: [String]
        do { children = try FileManager.default.contentsOfDirectory(atPath: canonical.path) } catch {
            throw .unreadableRoot(path: canonical.path, reason: "\(error)")
        }
        return children.sorted().compactMap { child in
            let dir = canonical.path + "/" + child
            var attributes = stat()
            guard lstat(dir, &attributes) == 0, (attributes.st_mode & S_IFMT) == S_IFDIR else { return nil }
            let manifest = dir + "/" + manifestName
            return FileManager.default.fileExists(atPath: manifest) ? URL(fileURLWithPath: manifest) : nil
        }
    }

    /// Reads every pack under `root`.
    public static func load(root: URL) throws(PackCatalogError) -> PackCatalog {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: root.path, isDirectory: &isDirectory), isDirectory.boolValue else {
            return PackCatalog(root: root, packs: [], rootMissing: true)
        }
        var packs: [Pack] = []
        for url in try manifestURLs(root: root) {
            packs.append(try pack(manifest: url))
        }
        for (a, b) in zip(packs.sorted { $0.id < $1.id }, packs.sorted { $0.id < $1.id }.dropFirst()) where a.id == b.id {
            let paths = [a.directory.path, b.directory.path].sorted()
            throw .duplicateID(id: a.id, paths: paths)
        }
        return PackCatalog(root: root.resolvingSymlinksInPath(), packs: packs)
    }

    /// Reads one manifest under the catalogue's rules.
    public static func pack(manifest url: URL) throws(PackCatalogError) -> Pack {
        guard let data = FileManager.default.contents(atPath: url.path) else { throw .unreadableManifest(path: url.path) }
        let manifest: JSONValue
        do { manifest = try JSONValue.parse(data) } catch {
            throw .invalidManifest(path: url.path, reason: "invalid JSON")
        }
        guard case .object = manifest else { throw .invalidManifest(path: url.path, reason: "not a JSON object") }
        guard let id = manifest["id"]?.stringValue, !id.isEmpty else {
            throw .invalidManifest(path: url.path, reason: "missing string \"id\"")
        }
        return Pack(id: id, directory: url.deletingLastPathComponent(), manifest: manifest)
    }

    /// The pack whose manifest declares a flow with this id.
    public func pack(declaringFlow flowID: String) -> Pack? {
        packs.first { pack in pack.manifest["flows"]?.arrayValue?.contains { $0["id"]?.stringValue == flowID } == true }
    }
}
