import ArgumentParser
import Foundation
import GreenticTestKit
import Simulators

/// `greentic-integration sim …`: the simulators' checks.
struct SimCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sim", abstract: "Run providers-sim checks.",
        subcommands: [SimRender.self, SimCapabilities.self, SimSmoke.self]
    )
}
