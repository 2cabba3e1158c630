import ArgumentParser
import Foundation
import GreenticTestKit
import ScenarioDSL
import Synchronization

/// `greentic-integration scenario run|check`: runs scenario files against running
/// infrastructure, or only loads them.
struct ScenarioCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "scenario", abstract: "Run or check scenario files.",
                                                    subcommands: [ScenarioRun.self, ScenarioCheck.self])
}
