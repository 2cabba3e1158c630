import ArgumentParser
import Foundation
import GreenticFixtureServer
import GreenticTestKit
import Simulators

/// `greentic-integration packs reload`: Reload packs on a running server, or rebuild the index locally.
struct PacksReload: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "reload", abstract: "Reload packs on a running server, or rebuild the index locally.")

    @OptionGroup var options: ConfigOptions
    @Option(help: "Fixture server URL; without it the index is rebuilt locally.") var server: String?

    func run() async throws {
        if let server {
            let body = try await ServerClient(server).call(.POST, "/packs/reload")
            StandardOutput.line("Server reload succeeded: \(body.map(JSONWriter.compact) ?? "{}")")
            return
        }
        let config = try options.load()
        let index: PackIndex
        do { index = try PackIndex.build(root: config.packsRoot) } catch { throw CLIError(message: "\(error)") }
        StandardOutput.line("Rebuilt pack index with \(index.entries.count) entries under \(index.root)")
        for p in index.entries { StandardOutput.line("- \(p.id) (\(p.name ?? "unnamed")) @ \(p.path)") }
        StandardOutput.line("Note: running servers must call /packs/reload or run with --watch to pick up changes.")
    }
}
