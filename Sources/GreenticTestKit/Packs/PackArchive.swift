import Crypto
import Foundation
import ZIPFoundation

/// The kit's own pack archive format (not the platform's `.gtpack`): a deterministic ZIP of a
/// pack folder with `MANIFEST.json` listing every file's size and SHA-256, the files under
/// `pack/`, and optionally `SIGNATURE.json`, an Ed25519 signature of the manifest bytes.
/// `verify` checks every digest, that nothing was added, and the signature; `install` verifies,
/// then unpacks into a packs root, refusing paths that would leave it.
package enum PackArchive {
    public static let format = "greentic-testkit-pack"
    static let fixedDate = Date(timeIntervalSince1970: 315_532_800)  // 1980-01-01, the ZIP epoch

    /// The archive's manifest.
    public struct Manifest: Sendable, Equatable {
        public var packID: String
        public var packVersion: String?
        public var files: [(path: String, size: Int, sha256: String)]

        public static func == (a: Manifest, b: Manifest) -> Bool {
            a.packID == b.packID && a.packVersion == b.packVersion && a.files.map(\.path) == b.files.map(\.path)
                && a.files.map(\.sha256) == b.files.map(\.sha256)
        }

        var json: JSONValue {
            [
                "format": .string(PackArchive.format), "version": 1, "pack_id": .string(packID),
                "pack_version": packVersion.map { .string($0) } ?? .null,
                "files": .array(files.map { ["path": .string($0.path), "size": .number(Double($0.size)), "sha256": .string($0.sha256)] }),
            ]
        }

        init(json: JSONValue) throws {
            guard json["format"]?.stringValue == PackArchive.format, let id = json["pack_id"]?.stringValue,
                  let files = json["files"]?.arrayValue else { throw PackArchiveError.invalid("MANIFEST.json is not a \(PackArchive.format) manifest") }
            packID = id
            packVersion = json["pack_version"]?.stringValue
            self.files = try files.map {
                guard let p = $0["path"]?.stringValue, let size = $0["size"]?.doubleValue, let sha = $0["sha256"]?.stringValue else {
                    throw PackArchiveError.invalid("MANIFEST.json has a malformed file entry")
                }
                return (p, Int(size), sha)
            }
        }

        init(packID: String, packVersion: String?, files: [(path: String, size: Int, sha256: String)]) {
            self.packID = packID
            self.packVersion = packVersion
            self.files = files
        }
    }

    /// Builds `output` from `packDirectory` (which must hold a `pack.json` with an `id`).
    @discardableResult
    public static func build(packDirectory: URL, output: URL, signingKey: Curve25519.Signing.PrivateKey? = nil) throws -> Manifest {
        let manifestData = try Data(contentsOf: packDirectory.appendingPathComponent("pack.json"))
        let packJSON = try JSONValue.parse(manifestData)
        guard let id = packJSON["id"]?.stringValue else { throw PackArchiveError.invalid("\(packDirectory.path)/pack.json has no id") }
        var files: [(path: String, size: Int, sha256: String)] = []
        var contents: [String: Data] = [:]
        for relative in try regularFiles(under: packDirectory) {
            let data = try Data(contentsOf: packDirectory.appendingPathComponent(relative))
            files.append((relative, data.count, sha256(data)))
            contents[relative] = data
        }
        let manifest = Manifest(packID: id, packVersion: packJSON["version"]?.stringValue, files: files)
        let manifestBytes = Data(JSONWriter.compact(manifest.json).utf8)
        try? FileManager.default.removeItem(at: output)
        try FileManager.default.createDirectory(at: output.deletingLastPathComponent(), withIntermediateDirectories: true)
        let archive = try Archive(url: output, accessMode: .create)
        try add(archive, "MANIFEST.json", manifestBytes)
        if let signingKey {
            let signature: JSONValue = [
                "algorithm": "ed25519",
                "public_key": .string(signingKey.publicKey.rawRepresentation.base64EncodedString()),
                "signature": .string(try signingKey.signature(for: manifestBytes).base64EncodedString()),
            ]
            try add(archive, "SIGNATURE.json", Data(JSONWriter.compact(signature).utf8))
        }
        for file in files { try add(archive, "pack/" + file.path, contents[file.path]!) }
        return manifest
    }

    /// Checks the manifest, every file's size and digest, that no entry is unlisted, and the
    /// signature (required when `trustedKey` is given, and then made with that key).
    @discardableResult
    public static func verify(archive url: URL, trustedKey: Curve25519.Signing.PublicKey? = nil) throws -> Manifest {
        try read(archive: url, trustedKey: trustedKey).manifest
    }

    /// Verifies, then unpacks into `<packsRoot>/<pack id>` (replacing an earlier install).
    @discardableResult
    public static func install(archive url: URL, packsRoot: URL, trustedKey: Curve25519.Signing.PublicKey? = nil) throws -> URL {
        let (manifest, files) = try read(archive: url, trustedKey: trustedKey)
        guard NameSanitizer.isValidIdentifier(manifest.packID), manifest.packID != ".", manifest.packID != ".." else {
            throw PackArchiveError.unsafePath(manifest.packID)
        }
        let fm = FileManager.default
        try fm.createDirectory(at: packsRoot, withIntermediateDirectories: true)
        let staging = packsRoot.appendingPathComponent(".install-\(manifest.packID)-\(UUID().uuidString)")
        defer { try? fm.removeItem(at: staging) }
        for (path, data) in files {
            let target = staging.appendingPathComponent(path)
            try fm.createDirectory(at: target.deletingLastPathComponent(), withIntermediateDirectories: true)
            try data.write(to: target)
        }
        let destination = packsRoot.appendingPathComponent(manifest.packID)
        try? fm.removeItem(at: destination)
        try fm.moveItem(at: staging, to: destination)
        return destination
    }

    static func read(archive url: URL, trustedKey: Curve25519.Signing.PublicKey?) throws -> (manifest: Manifest, files: [String: Data]) {
        let archive: Archive
        do { archive = try Archive(url: url, accessMode: .read) } catch { throw PackArchiveError.invalid("\(url.path) is not a readable ZIP archive") }
        var entries: [String: Data] = [:]
        for entry in archive {
            guard entry.type == .file else { throw PackArchiveError.invalid("entry \(entry.path) is not a regular file") }
            var data = Data()
            do { _ = try archive.extract(entry) { data.append($0) } } catch {
                throw PackArchiveError.tampered("entry \(entry.path) is damaged (\(error))")
            }
            entries[entry.path] = data
        }
        guard let manifestBytes = entries["MANIFEST.json"] else { throw PackArchiveError.invalid("MANIFEST.json is missing") }
        let manifest: Manifest
        do { manifest = try Manifest(json: try JSONValue.parse(manifestBytes)) } catch let e as PackArchiveError { throw e } catch {
            throw PackArchiveError.tampered("MANIFEST.json is not valid JSON")
        }
        if let signatureBytes = entries["SIGNATURE.json"] {
            guard let sig = try? JSONValue.parse(signatureBytes), let keyText = sig["public_key"]?.stringValue,
                  let keyData = Data(base64Encoded: keyText), let sigData = sig["signature"]?.stringValue.flatMap({ Data(base64Encoded: $0) }),
                  let key = try? Curve25519.Signing.PublicKey(rawRepresentation: keyData) else {
                throw PackArchiveError.badSignature("SIGNATURE.json is malformed")
            }
            if let trustedKey, trustedKey.rawRepresentation != key.rawRepresentation {
                throw PackArchiveError.badSignature("signed with a key that is not the trusted one")
            }
            guard key.isValidSignature(sigData, for: manifestBytes) else { throw PackArchiveError.badSignature("the manifest signature does not verify") }
        } else if trustedKey != nil {
            throw PackArchiveError.badSignature("the archive is not signed")
        }
        var files: [String: Data] = [:]
        for file in manifest.files {
            guard isSafe(file.path) else { throw PackArchiveError.unsafePath(file.path) }
            guard let data = entries["pack/" + file.path] else { throw PackArchiveError.tampered("\(file.path) is listed but missing") }
            guard data.count == file.size, sha256(data) == file.sha256 else { throw PackArchiveError.tampered("\(file.path) does not match its SHA-256") }
            files[file.path] = data
        }
        let listed = Set(manifest.files.map { "pack/" + $0.path }).union(["MANIFEST.json", "SIGNATURE.json"])
        if let extra = entries.keys.sorted().first(where: { !listed.contains($0) }) {
            throw PackArchiveError.tampered("\(extra) is in the archive but not in the manifest")
        }
        return (manifest, files)
    }

    static func isSafe(_ path: String) -> Bool {
        !path.isEmpty && !path.hasPrefix("/") && !path.split(separator: "/").contains { $0 == ".." || $0 == "." || $0.isEmpty }
            && !path.contains("\\")
    }

    static func regularFiles(under dir: URL) throws -> [String] {
        guard let enumerator = FileManager.default.enumerator(atPath: dir.path) else { throw PackArchiveError.invalid("cannot read \(dir.path)") }
        var out: [String] = []
        while let item = enumerator.nextObject() as? String {
            var st = stat()
            guard lstat(dir.appendingPathComponent(item).path, &st) == 0 else { continue }
            switch st.st_mode & S_IFMT {
            case S_IFREG: out.append(item)
            case S_IFDIR: continue
            default: throw PackArchiveError.invalid("\(item) is not a regular file (links are not packed)")
            }
        }
        return out.sorted()
    }

    static func add(_ archive: Archive, _ path: String, _ data: Data) throws {
        try archive.addEntry(with: path, type: .file, uncompressedSize: Int64(data.count), modificationDate: fixedDate,
                             permissions: 0o644, compressionMethod: .deflate) { position, size in
            data.subdata(in: Int(position)..<Int(position) + size)
        }
    }

    static func sha256(_ data: Data) -> String {
        sha256Hex(data)
    }

    /// Lower-case hex SHA-256 of `data`.
    public static func sha256Hex(_ data: Data) -> String {
        HexDigest.sha256(data)
    }
}
