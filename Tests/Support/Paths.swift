import Foundation

/// Paths shared by the test tiers.
public enum Paths {
    /// The package root (tests run with it as the current directory; `#filePath` is the fallback).
    public static let packageRoot: URL = {
        let cwd = URL(fileURLWithPath: FileManager.default.currentDirectoryPath)
        if FileManager.default.fileExists(atPath: cwd.appendingPathComponent("Package.swift").path) { return cwd }
        return URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    }()

    public static let fixtures = packageRoot.appendingPathComponent("Fixtures")

    /// The original project's conformance corpus, when it sits beside the project.
    public static let conformance: URL? = {
        if let dir = ProcessInfo.processInfo.environment["GREENTIC_CONFORMANCE_DIR"], !dir.isEmpty {
            return URL(fileURLWithPath: dir)
        }
        let beside = packageRoot.deletingLastPathComponent().appendingPathComponent("shared/conformance")
        return FileManager.default.fileExists(atPath: beside.path) ? beside : nil
    }()

    /// The `greentic-integration` executable built beside the test bundle
    /// (`GREENTIC_INTEGRATION_BIN` overrides).
    public static let cli: URL = {
        if let bin = ProcessInfo.processInfo.environment["GREENTIC_INTEGRATION_BIN"], !bin.isEmpty {
            return URL(fileURLWithPath: bin)
        }
        let bundleDir = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        return bundleDir.appendingPathComponent("greentic-integration")
    }()

    /// A fresh temporary folder.
    public static func temporary(_ label: String = "test") throws -> URL {
        let dir = URL(fileURLWithPath: NSTemporaryDirectory()).appendingPathComponent("greentic-\(label)-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        return dir
    }
}
