import ArgumentParser
import Foundation
import GreenticTestKit

/// Time for a full stack boot: infrastructure, runner and fixture server, all healthy.
struct StackBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "stack", abstract: "Stack boot time (NATS, Postgres, Redis, runner, fixture server) over several runs.")

    @Option(help: "Runs.") var runs = 10
    @Option(help: "Packs root.") var packs = "Packs"
    @Option(help: "Write the results as JSON to this file.") var json: String?

    func run() async throws {
        let scratch = BenchScratch("stack")
        defer { scratch.remove() }
        let options = scratch.options
        let packsRoot = URL(fileURLWithPath: packs).standardizedFileURL
        print("runner and fixture server: \(GreenticBinaries.integrationCLI())")
        var samples = Samples(name: "stack boot (all services healthy)", values: [])
        for _ in 0..<(runs + 1) {
            let start = ContinuousClock.now
            let ms = try await TestEnv.with(name: "bench-stack", infra: [.nats, .postgres, .redis], options: options) { env in
                _ = try await env.startStack(packsRoot: packsRoot)
                return milliseconds(ContinuousClock.now - start)
            }
            samples.values.append(ms)
        }
        let cold = Samples(name: "stack boot, first of the run (Postgres initdb)", values: [samples.values.removeFirst()])
        let rows: [(Samples, baseline: Samples?, target: String)] = [(samples, nil, "-"), (cold, nil, "-")]
        print(Report.table(rows), terminator: "")
        if let json { try Report.json(rows).write(toFile: json, atomically: true, encoding: .utf8) }
    }
}
