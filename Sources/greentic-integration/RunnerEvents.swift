import ArgumentParser
import Foundation
import GreenticFixtureServer
import GreenticTestKit

/// `greentic-integration runner events`: Show the runner events recorded by a server.
struct RunnerEvents: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "events", abstract: "Show the runner events recorded by a server.")

    @Option var server = "http://localhost:8080"
    @Flag(help: "Print the server's JSON on stdout.") var json = false

    func run() async throws {
        let body = try await ServerClient(server).call(.GET, "/runner/events") ?? .array([])
        if json {
            StandardOutput.line(JSONWriter.pretty(body))
            return
        }
        let events = body.arrayValue ?? []
        if events.isEmpty {
            StandardOutput.line("No runner events recorded.")
            return
        }
        for e in events {
            StandardOutput.line("[\(JSONWriter.compact(e["timestamp_ms"] ?? .null))] flow=\(e["flow"]?.stringValue ?? "") tenant=\(debugOptional(e["tenant"]?.stringValue)) team=\(debugOptional(e["team"]?.stringValue)) user=\(debugOptional(e["user"]?.stringValue)) payload=\(JSONWriter.compact(e["payload"] ?? .null)) result=\(JSONWriter.compact(e["result"] ?? .null))")
        }
    }
}
