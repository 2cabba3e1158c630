import ArgumentParser
import Foundation
import GreenticTestKit

/// `greentic-integration timeline …`: a test's timeline (`timeline render DIR` draws `timeline.html`).
struct TimelineCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "timeline", abstract: "Work with test timelines.",
                                                    subcommands: [TimelineRender.self])
}
