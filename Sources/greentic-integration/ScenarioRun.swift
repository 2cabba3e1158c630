import ArgumentParser
import Foundation
import GreenticTestKit
import ScenarioDSL
import Synchronization

/// `greentic-integration scenario run`: Run scenario files (YAML or JSON, version 1) against running NATS and fixture server.
struct ScenarioRun: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run", abstract: "Run scenario files (YAML or JSON, version 1) against running NATS and fixture server.",
        discussion: """
        Prints one line per scenario (PASS/FAIL, duration) and a summary. Each scenario runs in
        its own test environment under <artifacts>/<scenario>/: timeline.jsonl, timeline.html,
        logs/ (services started with start_service, stopped when the scenario ends) and env.json.
        The wiretap records every message on --wiretap subjects (default '>', everything on the
        server) in the timeline. JUnit XML with --junit. Exits 1 if any scenario failed or could
        not be loaded. Variables available in templates: ${prefix} (--prefix), ${nats},
        ${server}, ${env.NAME} and the scenario's captures.
        """
    )

    @Argument(help: "Scenario files.") var files: [String]
    @Option(help: "NATS URL (nats://host:port).") var nats: String?
    @Option(help: "Fixture server base URL.") var server: String?
    @Option(help: "Packs root of the running fixture server (for install_pack).") var packsRoot: String?
    @Option(help: "Folder for per-scenario timelines.") var artifacts: String = ".build/e2e/scenarios"
    @Option(help: "Write JUnit XML here.") var junit: String?
    @Option(help: "Value of ${prefix}.") var prefix: String = "scenario"
    @Option(name: .customLong("wiretap"), help: "Record messages on this subject (wildcards allowed; repeatable; default '>').")
    var wiretap: [String] = []

    func validate() throws {
        for subject in wiretap where subject.isEmpty || subject.contains(where: \.isWhitespace) {
            throw ValidationError("--wiretap '\(subject)' is not a NATS subject")
        }
    }

    func run() async throws {
        var client: NATSClient?
        if let nats {
            do { client = try await NATSClient.connect(url: nats) } catch { throw CLIError(message: "\(error)") }
        }
        var results: [(name: String, file: String, duration: Duration, failure: String?)] = []
        for file in files {
            let scenario: Scenario
            do { scenario = try ScenarioFile.load(path: file) } catch {
                results.append((file, file, .zero, "\(error)"))
                StandardOutput.line("FAIL \(file) (not loaded): \(Self.firstLine(error))")
                FileHandle.standardError.write(Data("\(file): \(error)\n".utf8))
                continue
            }
            let (result, folder) = try await runInEnvironment(scenario, file: file, client: client)
            do { try TimelinePage.write(timeline: folder.appendingPathComponent("timeline.jsonl"), title: scenario.name) } catch {
                FileHandle.standardError.write(Data("\(scenario.name): could not write timeline.html: \(error)\n".utf8))
            }
            let ms = Int(result.duration.fractionalMilliseconds)
            if let failure = result.failure {
                StandardOutput.line("FAIL \(scenario.name) (\(ms) ms): \(Self.firstLine(failure))")
                FileHandle.standardError.write(Data("--- \(scenario.name) (\(file))\n\(failure)\n".utf8))
            } else {
                StandardOutput.line("PASS \(scenario.name) (\(ms) ms)")
            }
            results.append((scenario.name, file, result.duration, result.failure.map { "\($0)" }))
        }
        if let client { await client.close() }
        let failed = results.filter { $0.failure != nil }.count
        if let junit { try JUnitReport.write(results, to: junit) }
        StandardOutput.line("\(results.count - failed) passed, \(failed) failed")
        if failed > 0 { throw ExitCode(1) }
    }

    /// Runs one scenario in a test environment of its own under `--artifacts` (kept whatever
    /// the outcome), so `start_service` works and its services stop when the scenario ends.
    func runInEnvironment(_ scenario: Scenario, file: String, client: NATSClient?) async throws -> (ScenarioResult, URL) {
        var options = TestEnvOptions()
        options.artifactsBase = URL(fileURLWithPath: artifacts, relativeTo: URL(fileURLWithPath: FileManager.default.currentDirectoryPath, isDirectory: true)).standardizedFileURL
        options.keepOnSuccess = true
        let failed = Mutex(false)
        options.failureObserved = { failed.withLock { $0 } }
        var values: [String: JSONValue] = ["prefix": .string(prefix)]
        if let nats { values["nats"] = .string(nats) }
        if let server { values["server"] = .string(server) }
        let variables = ScenarioVariables(values)
        let (server, packsRoot, taps) = (self.server, self.packsRoot, wiretap.isEmpty ? [">"] : wiretap)
        let base = URL(fileURLWithPath: file).deletingLastPathComponent()
        return try await TestEnv.with(name: scenario.name, options: options) { env in
            let context = ScenarioContext(nats: client, serverURL: server, env: env, variables: variables,
                                          packsRoot: packsRoot, baseDirectory: base, wiretap: taps)
            let result = await ScenarioRunner.run(scenario, context: context)
            failed.withLock { $0 = result.failure != nil }
            return (result, env.directory.root)
        }
    }

    static func firstLine(_ error: any Error) -> String {
        String("\(error)".split(separator: "\n", omittingEmptySubsequences: false).first ?? "")
    }
}
