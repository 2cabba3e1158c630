import ArgumentParser

/// The `greentic-integration` command line: fixture server, packs, sessions, runner, simulators
/// and end-to-end environment tools.
@main
struct GreenticIntegration: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "greentic-integration",
        abstract: "Greentic integration harness CLI: fixture server, packs, sessions, runner and test environments.",
        version: "1.0.0",
        subcommands: [ServeCommand.self, PacksCommand.self, SessionsCommand.self, RunnerCommand.self, ScenarioCommand.self, E2ECommand.self, SimCommand.self, OpenAPICommand.self]
    )
}
