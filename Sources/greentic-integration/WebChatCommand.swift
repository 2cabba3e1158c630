import ArgumentParser
import Foundation
import GreenticTestKit
import Simulators

/// `greentic-integration webchat contract`: checks a Direct Line-compatible backend.
struct WebChatCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "webchat", abstract: "WebChat (Direct Line) tools.", subcommands: [Contract.self])

    struct Contract: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "contract", abstract: "Run the Direct Line contract checks against a backend.",
            discussion: """
            Checks over real HTTP and WebSocket: tokens (generate, refresh), conversations, activities,
            watermark paging, token rules (401/403), error cases (400/404/413), the stream, and the
            short routes /tokens/generate, /conversations, /conversations/{id}/activities. A bot must
            answer every message (the fixture server's runner bridge does). Prints "ok <check>" per
            passed check on stdout; the first violation is printed on stderr with the endpoint and
            the reason, and the exit status is 1.
            """)

        @Option(help: "Base URL of the backend (the Direct Line API is under <base>/v3/directline).") var base: String
        @Option(help: "The user message the bot must answer.") var message = "status of contract-repo"
        @Option(name: .customLong("reply-timeout-ms"), help: "How long to wait for a bot reply.") var replyTimeoutMs = 10_000
        @Option(help: "Run only these checks (repeatable): \(DirectLineContract.Check.allCases.map(\.rawValue).joined(separator: ", ")).")
        var check: [String] = []

        func run() async throws {
            guard let url = URL(string: base), ["http", "https"].contains(url.scheme ?? ""), url.host != nil else {
                throw ValidationError("--base must be an http(s) URL, got '\(base)'")
            }
            var checks: [DirectLineContract.Check] = []
            for name in check {
                guard let c = DirectLineContract.Check(rawValue: name) else {
                    throw ValidationError("unknown check '\(name)' (one of \(DirectLineContract.Check.allCases.map(\.rawValue).joined(separator: ", ")))")
                }
                checks.append(c)
            }
            let contract = DirectLineContract(base: base, message: message, replyTimeout: .milliseconds(max(100, replyTimeoutMs)))
            for c in checks.isEmpty ? DirectLineContract.Check.allCases : checks {
                do {
                    _ = try await contract.run(c)
                } catch let violation as DirectLineContract.Violation {
                    throw CLIError(message: "webchat contract: \(c): \(violation)")
                }
                StandardOutput.line("ok \(c)")
            }
            FileHandle.standardError.write(Data("webchat contract: all checks passed against \(contract.base)\n".utf8))
        }
    }
}
