import ArgumentParser
import Foundation
import GreenticTestKit

/// `greentic-integration stack up`: Start NATS, Postgres, Redis, the runner and the fixture server; stop them on Ctrl-C.
struct StackUp: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "up", abstract: "Start NATS, Postgres, Redis, the runner and the fixture server; stop them on Ctrl-C.",
        discussion: "Prints the endpoints as one JSON object on stdout once everything is healthy, then waits for SIGINT or SIGTERM, stops everything and leaves the logs in --dir."
    )

    @Option(help: "Infrastructure backend: native, compose or external (default: auto).") var infra: String?
    @Option(help: "Folder for logs and artifacts (default: .build/e2e).") var dir: String?
    @Option(help: "Packs root.") var packs = "Packs"
    @Option(name: .customLong("nats-cluster"), help: "Run NATS as a cluster of this many nodes (native backend; at least 3), with routes and clustered JetStream.")
    var natsCluster: Int?

    func run() async throws {
        var environment = ProcessInfo.processInfo.environment
        if let infra { environment["E2E_INFRA"] = infra }
        if let dir { environment["E2E_ARTIFACTS_DIR"] = dir }
        var options = TestEnvOptions(environment: environment)
        options.keepOnSuccess = true
        // A stack for manual use keeps the file store's promise: an acknowledged session survives a Redis crash.
        options.durableRedis = true
        if let infra, InfraSelection(rawValue: infra) == nil { throw ValidationError("--infra takes native, compose or external") }
        if let natsCluster, natsCluster < 3 { throw ValidationError("--nats-cluster takes 3 or more nodes (a quorum that survives losing one)") }
        let packsRoot = URL(fileURLWithPath: packs, relativeTo: URL(fileURLWithPath: FileManager.default.currentDirectoryPath, isDirectory: true)).standardizedFileURL
        do {
            try await TestEnv.with(name: "stack", infra: [natsCluster.map { .natsCluster(nodes: $0) } ?? .nats, .postgres, .redis], options: options) { env in
                let stack = try await env.startStack(packsRoot: packsRoot)
                var json = stack.json.objectValue ?? [:]
                json["artifacts"] = .string(env.directory.root.path)
                StandardOutput.line(JSONWriter.compact(.object(json)))
                let signal = await SignalWaiter.wait(for: [SIGINT, SIGTERM])
                env.log("stack stopping on signal \(signal)")
            }
        } catch let error as TestEnvError {
            throw CLIError(message: "\(error.rootCause)")
        }
    }
}
