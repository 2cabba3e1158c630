import ArgumentParser
import Foundation
import GreenticFixtureServer
import GreenticTestKit

/// `greentic-integration runner …`.
struct RunnerCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "runner", abstract: "Emit activities and inspect runner events.",
        subcommands: [RunnerEmit.self, RunnerEvents.self, RunnerClear.self]
    )
}
