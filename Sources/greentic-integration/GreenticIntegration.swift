import ArgumentParser

/// The `greentic-integration` command line: fixture server, packs, sessions, runner, simulators
/// and end-to-end environment tools.
@main
struct GreenticIntegration: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "greentic-integration",
        abstract: "Integration-test tools for the Greentic platform.",
        subcommands: [E2ECommand.self]
    )
}
