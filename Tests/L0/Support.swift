import Foundation

/// Paths shared by the L0 tests.
enum Paths {
    /// The package root (tests run with it as the current directory; `#filePath` is the fallback).
    static let packageRoot: URL = {
        let cwd = URL(fileURLWithPath: FileManager.default.currentDirectoryPath)
        if FileManager.default.fileExists(atPath: cwd.appendingPathComponent("Package.swift").path) { return cwd }
        return URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    }()

    static let fixtures = packageRoot.appendingPathComponent("Fixtures")

    /// The original project's conformance corpus, when it sits beside the project.
    static let conformance: URL? = {
        if let dir = ProcessInfo.processInfo.environment["GREENTIC_CONFORMANCE_DIR"], !dir.isEmpty {
            return URL(fileURLWithPath: dir)
        }
        let beside = packageRoot.deletingLastPathComponent().appendingPathComponent("shared/conformance")
        return FileManager.default.fileExists(atPath: beside.path) ? beside : nil
    }()

    /// A fresh temporary folder.
    static func temporary(_ label: String = "l0") throws -> URL {
        let dir = URL(fileURLWithPath: NSTemporaryDirectory()).appendingPathComponent("greentic-\(label)-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        return dir
    }
}
