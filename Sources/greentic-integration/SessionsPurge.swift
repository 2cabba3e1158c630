import ArgumentParser
import Foundation
import GreenticFixtureServer
import GreenticSessions
import GreenticTestKit

/// `greentic-integration sessions purge`: Delete matching sessions from the configured store (shared safely with a running server).
struct SessionsPurge: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "purge", abstract: "Delete matching sessions from the configured store (shared safely with a running server).",
        discussion: "With no filter at all (and no [defaults]), --all is required. Prints the number removed."
    )

    @OptionGroup var options: ConfigOptions
    @Option var tenant: String?
    @Option var team: String?
    @Option var user: String?
    @Flag(help: "Allow deleting every session when no filter applies.") var all = false

    func run() async throws {
        let logger = CLILogging.logger()
        let config = try options.load()
        let filter = SessionFilter(tenant: try CLIInput.identifier(tenant, option: "tenant") ?? config.defaults.tenant,
                                   team: try CLIInput.identifier(team, option: "team") ?? config.defaults.team, user: try CLIInput.identifier(user, option: "user"))
        if filter.isEmpty && !all { throw CLIError(message: "refusing to delete every session: give --tenant, --team or --user, or --all") }
        do {
            let store = try FixtureServerState.makeStore(config)
            let (removed, errors) = try await store.purgeReporting(filter)
            for error in errors { logger.warning("\(error)") }
            logger.info("purged matching sessions removed=\(removed)")
            StandardOutput.line("Removed \(removed) session(s).")
        } catch let error as CLIError { throw error } catch {
            throw CLIError(message: "\(error)")
        }
    }
}
