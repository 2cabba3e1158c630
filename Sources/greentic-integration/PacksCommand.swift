import ArgumentParser
import Foundation
import GreenticFixtureServer
import GreenticTestKit
import Simulators

/// `greentic-integration packs …`.
struct PacksCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "packs",
        abstract: "Validate, list, reload and plan packs.",
        subcommands: [PacksValidate.self, PacksList.self, PacksReload.self, PacksPlan.self]
    )
}
