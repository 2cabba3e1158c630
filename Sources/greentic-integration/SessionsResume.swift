import ArgumentParser
import Foundation
import GreenticFixtureServer
import GreenticSessions
import GreenticTestKit

/// `greentic-integration sessions resume`: Resume a user's session on a running server.
struct SessionsResume: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "resume", abstract: "Resume a user's session on a running server.")

    @Option var user: String?
    @Option var tenant: String?
    @Option var team: String?
    @Option(help: "JSON payload for the resumed flow.") var payload: String?
    @Option var server = "http://localhost:8080"

    func run() async throws {
        let payload = try parsePayload(self.payload, what: "session resume")
        guard let user = try CLIInput.identifier(user, option: "user") else { throw CLIError(message: "--user is required for session resume") }
        var body: [String: JSONValue] = ["user": .string(user), "payload": payload]
        if let tenant = try CLIInput.identifier(tenant, option: "tenant") { body["tenant"] = .string(tenant) }
        if let team = try CLIInput.identifier(team, option: "team") { body["team"] = .string(team) }
        let event = try await ServerClient(server).call(.POST, "/sessions/resume", json: .object(body)) ?? .null
        StandardOutput.line("Resumed flow \(event["flow"]?.stringValue ?? "?") for tenant=\(debugOptional(event["tenant"]?.stringValue)) user=\(debugOptional(user)); result=\(JSONWriter.compact(event["result"] ?? .null))")
    }
}
