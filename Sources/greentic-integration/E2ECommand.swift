import ArgumentParser
import Foundation
import GreenticTestKit

/// `greentic-integration e2e …`: manage end-to-end test environments by hand.
struct E2ECommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "e2e",
        abstract: "Manage end-to-end test environments.",
        subcommands: [E2EReapCommand.self, E2EUpCommand.self]
    )
}
