import ArgumentParser
import Foundation
import GreenticTestKit
import ScenarioDSL
import Synchronization

/// Scenario DSL overhead: a 1,000-step scenario of requests against a local NATS responder,
/// next to the same 1,000 requests made with the client directly.
struct ScenarioBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "scenario", abstract: "A 1,000-step scenario against a local responder, against the raw client.")

    @Option(help: "Steps per run.") var steps = 1_000
    @Option(help: "Runs.") var runs = 5
    @Option(help: "Write the results as JSON to this file.") var json: String?

    func run() async throws {
        let scratch = BenchScratch("scenario")
        defer { scratch.remove() }
        let options = scratch.options
        let rows = try await TestEnv.with(name: "bench-scenario", infra: [.nats], options: options) { env in
            let responderClient = try await NATSClient.connect(url: try env.natsURL())
            let inbox = try await responderClient.subscribe("bench.echo")
            let responder = Task {
                for await message in inbox {
                    if let reply = message.replyTo { try? responderClient.publish(reply, payload: message.payload) }
                }
            }
            try await responderClient.flush()
            let client = try await NATSClient.connect(url: try env.natsURL())
            var raw = Samples(name: "\(steps) requests, raw client", values: [])
            var tapped = Samples(name: "\(steps) requests, raw client, '>' tapped", values: [])
            var dsl = Samples(name: "\(steps)-step scenario (Request steps)", values: [])
            var quiet = Samples(name: "\(steps)-step scenario, wiretap on no subject", values: [])
            var untimed = Samples(name: "\(steps)-step scenario, no timeline, no wiretap", values: [])
            let scenario = Scenario(name: "bench", steps: (0..<steps).map { i in RequestReply(subject: "bench.echo", json: ["i": .number(Double(i))]).step })
            for _ in 0..<runs {
                var start = ContinuousClock.now
                for i in 0..<steps { _ = try await client.request("bench.echo", json: ["i": .number(Double(i))]) }
                raw.values.append(milliseconds(ContinuousClock.now - start))
                // The same requests with the NATS traffic a complete wiretap causes (every message
                // delivered once more to a '>' subscription on this connection), recording nothing.
                let seen = Atomic<Int>(0)
                let tap = try await client.tap(">") { _ in seen.add(1, ordering: .relaxed) }
                try await client.flush()
                start = ContinuousClock.now
                for i in 0..<steps { _ = try await client.request("bench.echo", json: ["i": .number(Double(i))]) }
                tapped.values.append(milliseconds(ContinuousClock.now - start))
                try await tap.unsubscribe()
                start = ContinuousClock.now
                try await env.run(scenario, nats: client)
                dsl.values.append(milliseconds(ContinuousClock.now - start))
                start = ContinuousClock.now
                try await env.run(scenario, nats: client, wiretap: [])
                quiet.values.append(milliseconds(ContinuousClock.now - start))
                start = ContinuousClock.now
                _ = await ScenarioRunner.run(scenario, context: ScenarioContext(nats: client, wiretap: []))
                untimed.values.append(milliseconds(ContinuousClock.now - start))
            }
            responder.cancel()
            await client.close()
            await responderClient.close()
            return [(raw, nil as Samples?, "baseline"), (dsl, raw, "overhead per step = (scenario - raw) / steps"),
                    (quiet, raw, "the same without recording every message (wiretap: [])"),
                    (tapped, raw, "baseline of the complete wiretap: the same traffic, nothing recorded"),
                    (Samples(name: "\(steps)-step scenario, against the tapped client", values: dsl.values), tapped,
                     "the scenario against that baseline: what recording costs"), (untimed, raw, "the DSL without a timeline: the timeline costs the wiretap: [] row minus this")]
        }
        print(Report.table(rows), terminator: "")
        let perStep = (rows[1].0.median - rows[0].0.median) / Double(steps) * 1000
        print(String(format: "DSL overhead per step: %.1f µs\n", perStep))
        let quietPerStep = (rows[2].0.median - rows[0].0.median) / Double(steps) * 1000
        print(String(format: "DSL overhead per step, wiretap on no subject: %.1f µs\n", quietPerStep))
        let recordingPerStep = (rows[1].0.median - rows[3].0.median) / Double(steps) * 1000
        print(String(format: "DSL overhead per step against the '>'-tapped raw client: %.1f µs\n", recordingPerStep))
        if let json { try Report.json(rows).write(toFile: json, atomically: true, encoding: .utf8) }
    }
}
