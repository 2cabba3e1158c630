import ArgumentParser
import Foundation
import GreenticFixtureServer
import GreenticTestKit

/// `greentic-integration runner …`.
struct RunnerCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "runner", abstract: "Emit activities and inspect runner events.",
        subcommands: [RunnerEmit.self, RunnerEvents.self, RunnerClear.self]
    )
}

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

struct RunnerClear: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "clear", abstract: "Clear the runner events of a server.")

    @Option var server = "http://localhost:8080"

    func run() async throws {
        _ = try await ServerClient(server).call(.DELETE, "/runner/events")
        StandardOutput.line("Cleared runner events on \(server)")
    }
}
