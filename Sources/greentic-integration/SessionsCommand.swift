import ArgumentParser
import Foundation
import GreenticFixtureServer
import GreenticSessions
import GreenticTestKit

/// `greentic-integration sessions …`.
struct SessionsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sessions", abstract: "Purge, resume and list sessions.",
        subcommands: [SessionsPurge.self, SessionsResume.self, SessionsList.self]
    )
}
