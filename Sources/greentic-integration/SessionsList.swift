import ArgumentParser
import Foundation
import GreenticFixtureServer
import GreenticSessions
import GreenticTestKit

/// `greentic-integration sessions list`: List sessions on a running server.
struct SessionsList: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "list", abstract: "List sessions on a running server.")

    @Option var tenant: String?
    @Option var team: String?
    @Option var user: String?
    @Option var server = "http://localhost:8080"
    @Flag(help: "Print the server's JSON on stdout.") var json = false

    func run() async throws {
        let query = [("tenant", try CLIInput.identifier(tenant, option: "tenant")), ("team", try CLIInput.identifier(team, option: "team")),
                     ("user", try CLIInput.identifier(user, option: "user"))]
        let body = try await ServerClient(server).call(.GET, "/sessions", query: query) ?? .null
        if json {
            StandardOutput.line(JSONWriter.pretty(body))
            return
        }
        let sessions = body["sessions"]?.arrayValue ?? []
        StandardOutput.line("\(sessions.count) session(s):")
        for s in sessions {
            StandardOutput.line("- key=\(s["key"]?.stringValue ?? "") tenant=\(s["tenant"]?.stringValue ?? "") team=\(debugOptional(s["team"]?.stringValue)) user=\(debugOptional(s["user"]?.stringValue)) flow=\(debugOptional(s.value(atPath: "cursor.flow_id")?.stringValue)) node=\(debugOptional(s.value(atPath: "cursor.node_id")?.stringValue))")
        }
    }
}
