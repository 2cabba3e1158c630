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

struct SessionsPurge: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "purge", abstract: "Delete matching sessions from the configured store (shared safely with a running server).",
        discussion: "With no filter at all (and no [defaults]), --all is required. Prints the number removed."
    )

    @OptionGroup var options: ConfigOptions
    @Option var tenant: String?
    @Option var team: String?
    @Option var user: String?
    @Flag(help: "Allow deleting every session when no filter applies.") var all = false

    func run() async throws {
        let logger = CLILogging.logger()
        let config = try options.load()
        let filter = SessionFilter(tenant: try CLIInput.identifier(tenant, option: "tenant") ?? config.defaults.tenant,
                                   team: try CLIInput.identifier(team, option: "team") ?? config.defaults.team, user: try CLIInput.identifier(user, option: "user"))
        if filter.isEmpty && !all { throw CLIError(message: "refusing to delete every session: give --tenant, --team or --user, or --all") }
        do {
            let store = try FixtureServerState.makeStore(config)
            let (removed, errors) = try await store.purgeReporting(filter)
            for error in errors { logger.warning("\(error)") }
            logger.info("purged matching sessions removed=\(removed)")
            StandardOutput.line("Removed \(removed) session(s).")
        } catch let error as CLIError { throw error } catch {
            throw CLIError(message: "\(error)")
        }
    }
}

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
