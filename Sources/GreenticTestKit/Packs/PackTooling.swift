import Crypto
import Foundation

/// Pack build, verify and install: the platform's tools when they are installed
/// (`greentic-pack`/`packc` to build and verify, `greentic-deployer`/`greentic-pack` to
/// install, found in `GREENTIC_BIN_DIR` or on `PATH`), otherwise the kit's own `PackArchive`.
/// With `GREENTIC_PACK_STRICT=1` the platform tools are required and their absence is an error.
package struct PackTooling: Sendable {
    /// Which implementation did the work.
    public enum Mode: Sendable, Equatable {
        case external(String)
        case native
    }

    public let environment: [String: String]
    public let logDirectory: URL?

    public init(environment: [String: String] = ProcessInfo.processInfo.environment, logDirectory: URL? = nil) {
        self.environment = environment
        self.logDirectory = logDirectory
    }

    public var isStrict: Bool {
        ["GREENTIC_PACK_STRICT", "GREENTIC_PACK_NO_FALLBACK", "GREENTIC_INTEGRATION_STRICT"].contains { StrictMode.truthy(environment[$0]) }
    }

    func tool(_ names: [String]) -> String? {
        let extra = environment["GREENTIC_BIN_DIR"].map { [$0] } ?? []
        for name in names {
            if let path = try? ExecutableLocator.locate(name, extraPaths: extra, environment: environment) { return path }
        }
        return nil
    }

    func external(_ names: [String], _ arguments: [String], log: String) async throws -> Mode? {
        guard let bin = tool(names) else {
            if isStrict { throw PackArchiveError.invalid("\(names.joined(separator: " or ")) not found and GREENTIC_PACK_STRICT=1 requires it") }
            return nil
        }
        let out = try await CommandRunner.run(bin, arguments, environment: environment, timeout: .seconds(300))
        if let logDirectory {
            let text = "tool: \(bin)\nargs: \(arguments.joined(separator: " "))\nstatus: \(out.status)\nstdout:\n\(out.stdout)\nstderr:\n\(out.stderr)\n"
            try? Data(text.utf8).write(to: logDirectory.appendingPathComponent(log))
        }
        guard out.status == 0 else { throw PackArchiveError.invalid("\(bin) \(arguments.first ?? "") failed with status \(out.status): \(out.stderr.suffix(500))") }
        return .external(bin)
    }

    public func build(packDirectory: URL, output: URL, signingKey: Curve25519.Signing.PrivateKey? = nil) async throws -> Mode {
        if let mode = try await external(["greentic-pack", "packc", "greentic-packc"], ["build", packDirectory.path, "--output", output.path], log: "pack_build.log") {
            return mode
        }
        try PackArchive.build(packDirectory: packDirectory, output: output, signingKey: signingKey)
        return .native
    }

    public func verify(archive: URL, trustedKey: Curve25519.Signing.PublicKey? = nil) async throws -> Mode {
        if let mode = try await external(["greentic-pack", "packc", "greentic-packc"], ["verify", archive.path], log: "pack_verify.log") {
            return mode
        }
        try PackArchive.verify(archive: archive, trustedKey: trustedKey)
        return .native
    }

    public func install(archive: URL, packsRoot: URL, trustedKey: Curve25519.Signing.PublicKey? = nil) async throws -> Mode {
        if let mode = try await external(["greentic-deployer", "greentic-pack"], ["install", archive.path, "--target", packsRoot.path], log: "pack_install.log") {
            return mode
        }
        try PackArchive.install(archive: archive, packsRoot: packsRoot, trustedKey: trustedKey)
        return .native
    }
}
