import ArgumentParser
import Foundation
import GreenticFixtureServer
import GreenticTestKit

/// `greentic-integration runner clear`: Clear the runner events of a server.
struct RunnerClear: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "clear", abstract: "Clear the runner events of a server.")

    @Option var server = "http://localhost:8080"

    func run() async throws {
        _ = try await ServerClient(server).call(.DELETE, "/runner/events")
        StandardOutput.line("Cleared runner events on \(server)")
    }
}
