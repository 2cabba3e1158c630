import ArgumentParser
import Foundation
import GreenticTestKit

/// Provisions infrastructure as a test would, prints the endpoints, and holds it until
/// interrupted.
struct E2EUpCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "up",
        abstract: "Start test infrastructure (NATS, Postgres, Redis) and keep it until Ctrl-C.",
        discussion: """
        Uses the same backends as tests (E2E_INFRA=auto|native|compose|external). Prints one JSON
        object with the endpoints and the artifacts folder on stdout once everything is ready,
        then waits for SIGINT or SIGTERM and stops everything it started.
        """
    )

    @Option(name: .long, help: "Comma-separated infrastructure: nats, postgres, redis.")
    var infra: String = "nats"

    @Option(name: .long, help: "Name of the environment's folder.")
    var name: String = "manual"

    func run() async throws {
        var kinds = Set<InfraKind>()
        for part in infra.split(separator: ",").map({ $0.trimmingCharacters(in: .whitespaces) }) where !part.isEmpty {
            guard let kind = InfraKind(rawValue: part) else {
                throw ValidationError("unknown infrastructure '\(part)' (use nats, postgres, redis)")
            }
            kinds.insert(kind)
        }
        var options = TestEnvOptions()
        options.keepOnSuccess = true
        do {
            try await TestEnv.with(name: name, infra: kinds, options: options) { env in
                let e = env.endpoints
                let json: JSONValue = [
                    "backend": .string(e.backend),
                    "nats_url": e.natsURL.map { .string($0) } ?? .null,
                    "database_url": e.databaseURL.map { .string($0) } ?? .null,
                    "redis_url": e.redisURL.map { .string($0) } ?? .null,
                    "artifacts": .string(env.directory.root.path),
                    "pid": .number(Double(getpid())),
                ]
                StandardOutput.line(JSONWriter.compact(json))
                let signal = await SignalWaiter.wait(for: [SIGINT, SIGTERM])
                env.log("received signal \(signal); stopping")
            }
        } catch let error as TestEnvError {
            throw CLIError(message: "\(error.rootCause)")
        }
    }
}
