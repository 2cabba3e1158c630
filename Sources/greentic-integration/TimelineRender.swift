import ArgumentParser
import Foundation
import GreenticTestKit

/// `greentic-integration timeline render`: Write timeline.html for a test folder (or a timeline.jsonl file).
struct TimelineRender: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "render", abstract: "Write timeline.html for a test folder (or a timeline.jsonl file).",
        discussion: """
        The page is self-contained (no network): one lane per source — the scenario's steps, each
        service, each NATS subject, the harness — on one time axis, the failing expectation
        highlighted and quoted at the top, an event's data shown when it is clicked. Prints the
        page's path. A failing test writes the same page into its folder by itself.
        """
    )

    @Argument(help: "A test folder (holding timeline.jsonl) or a timeline.jsonl file.") var path: String
    @Option(name: .shortAndLong, help: "Write the page here (default: timeline.html beside the timeline).") var output: String?

    func run() async throws {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw CLIError(message: "\(path): no such file or folder")
        }
        let timeline = isDirectory.boolValue ? URL(fileURLWithPath: path).appendingPathComponent("timeline.jsonl") : URL(fileURLWithPath: path)
        guard FileManager.default.fileExists(atPath: timeline.path) else {
            throw CLIError(message: "\(path) has no timeline.jsonl")
        }
        let title = timeline.deletingLastPathComponent().lastPathComponent
        do {
            let page = try TimelinePage.write(timeline: timeline, to: output.map { URL(fileURLWithPath: $0) }, title: title)
            StandardOutput.line(page.path)
        } catch {
            throw CLIError(message: "could not write the page for \(timeline.path): \(error)")
        }
    }
}
