import Foundation
import ArgumentParser

/// The `greentic-integration` command line: fixture server, packs, sessions, runner, simulators
/// and end-to-end environment tools.
@main
/// `greentic-integration`: Greentic integration harness CLI: fixture server, packs, sessions, runner and test environments.
struct GreenticIntegration: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "greentic-integration",
        abstract: "Greentic integration harness CLI: fixture server, packs, sessions, runner and test environments.",
        version: "1.0.0",
        subcommands: [ServeCommand.self, PacksCommand.self, SessionsCommand.self, RunnerCommand.self, ScenarioCommand.self, TimelineCommand.self, RunnerSimCommand.self, StackCommand.self, E2ECommand.self, SimCommand.self, WebChatCommand.self, DoctorCommand.self, OpenAPICommand.self]
    )

    /// Usage errors exit 2 (as the original's did), other errors 1, each as one line on stderr.
    static func main() async {
        do {
            var command = try parseAsRoot()
            if var asyncCommand = command as? any AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
        } catch {
            let code = exitCode(for: error)
            if code == .validationFailure {
                FileHandle.standardError.write(Data((fullMessage(for: error) + "\n").utf8))
                Foundation.exit(2)
            }
            exit(withError: error)
        }
    }
}
