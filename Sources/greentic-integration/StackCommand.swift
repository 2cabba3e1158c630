import ArgumentParser
import Foundation
import GreenticTestKit

/// `greentic-integration stack …`: the whole stack by hand (`stack up`).
struct StackCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "stack", abstract: "Boot the Greentic stack.", subcommands: [StackUp.self])
}
