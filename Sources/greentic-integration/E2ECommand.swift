import ArgumentParser
import Foundation
import GreenticTestKit

/// `greentic-integration e2e …`: manage end-to-end test environments by hand.
struct E2ECommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "e2e",
        abstract: "Manage end-to-end test environments.",
        subcommands: [E2EReapCommand.self, E2EUpCommand.self]
    )
}

/// Kills process groups left behind by test runs that died, and removes their temporary data.
struct E2EReapCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "reap",
        abstract: "Kill services left running by dead test runs.",
        discussion: """
        Every service a test run starts is registered under <artifacts>/.reaper. A run whose
        process is gone (killed, crashed) leaves its registrations behind; this command kills
        those process groups and removes their temporary folders. Live runs are never touched.
        Prints a JSON report on stdout.
        """
    )

    @Option(name: .customLong("dir"), help: "Artifacts base folder (default: $E2E_ARTIFACTS_DIR or .build/e2e).")
    var directory: String?

    func run() async throws {
        let base = directory.map { URL(fileURLWithPath: $0) } ?? TestDirectory.base()
        let report = Reaper(artifactsBase: base).reapStale()
        let json: JSONValue = [
            "registry": .string(base.appendingPathComponent(".reaper").path),
            "stale_runs": .array(report.staleRuns.map { .string($0) }),
            "killed_groups": .array(report.killedGroups.map {
                ["pgid": .number(Double($0.pgid)), "name": .string($0.name), "command": .string($0.command)]
            }),
            "removed_paths": .array(report.removedPaths.map { .string($0) }),
        ]
        StandardOutput.line(JSONWriter.pretty(json))
    }
}

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
