import ArgumentParser
import Foundation
import GreenticFixtureServer
import GreenticTestKit

/// `greentic-integration runner emit`: Send an activity to a flow.
struct RunnerEmit: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "emit", abstract: "Send an activity to a flow.",
        discussion: """
        With --server, posts to the server's /runner/emit. Without it, sends the activity straight
        to the configured runner ([runner].url or GREENTIC_RUNNER_URL; the built-in echo runner
        when none) and prints the resulting event as JSON on stdout.
        """
    )

    @OptionGroup var options: ConfigOptions
    @Option var flow: String
    @Option var tenant: String?
    @Option var team: String?
    @Option var user: String?
    @Option(help: "JSON payload.") var payload: String?
    @Option var server: String?

    func run() async throws {
        let payload = try parsePayload(self.payload, what: "runner emit")
        let config = try options.load()
        let flow = try CLIInput.flow(self.flow)
        let tenant = try CLIInput.identifier(self.tenant, option: "tenant") ?? config.defaults.tenant
        let team = try CLIInput.identifier(self.team, option: "team") ?? config.defaults.team
        let user = try CLIInput.identifier(self.user, option: "user")
        if let server {
            var body: [String: JSONValue] = ["flow": .string(flow), "payload": payload]
            if let tenant { body["tenant"] = .string(tenant) }
            if let team { body["team"] = .string(team) }
            if let user { body["user"] = .string(user) }
            let event = try await ServerClient(server).call(.POST, "/runner/emit", json: .object(body)) ?? .null
            StandardOutput.line("Server runner emit result -> tenant=\(debugOptional(event["tenant"]?.stringValue)) team=\(debugOptional(event["team"]?.stringValue)) user=\(debugOptional(event["user"]?.stringValue)) result=\(JSONWriter.compact(event["result"] ?? .null))")
            return
        }
        let bridge: any RunnerBridge = config.runnerURL.map { HTTPRunnerBridge(baseURL: $0, timeout: config.runnerTimeout) } ?? EchoRunner()
        do {
            let result = try await bridge.activity(RunnerActivity(flow: flow, tenant: tenant, team: team, user: user, payload: payload))
            let event = RunnerEvent(flow: flow, tenant: tenant, team: team, user: user, payload: payload, result: result)
            StandardOutput.line(JSONWriter.compact(event.orderedJSON))
        } catch {
            throw CLIError(message: "\(error)")
        }
    }
}
