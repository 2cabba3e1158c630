import ArgumentParser
import Foundation
import GreenticTestKit
import ScenarioDSL
import Synchronization

/// What recording costs: the CPU time per event of appending a scenario's step events (a
/// request step's started, request-with-reply and passed events, and the two messages a complete
/// wiretap records) to a `Timeline` and writing them out, next to keeping the same events'
/// payloads in an array (the least any recording does), measured in the same run. On a machine
/// where the scenario, the NATS connection and the server share two cores, this CPU time is what
/// a step's wall time grows by.
struct TimelineBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "timeline", abstract: "CPU time per recorded event: the timeline against keeping the events in an array.")

    @Option(help: "Request steps per run (five events each).") var steps = 2_000
    @Option(help: "Runs.") var runs = 7
    @Option(help: "Write the results as JSON to this file.") var json: String?

    func run() async throws {
        let scratch = BenchScratch("timeline")
        defer { scratch.remove() }
        try FileManager.default.createDirectory(at: scratch.base, withIntermediateDirectories: true)
        let evidence = EvidencePolicy(secretValues: { ["s3cr3t-value"] })
        let payloads = (0..<steps).map { Data("{\"i\":\($0),\"order\":{\"id\":\"o-\($0)\",\"items\":[1,2,3]},\"token\":\"abc\"}".utf8) }
        var kept = Samples(name: "\(steps * 5) events kept in an array", values: [])
        var recorded = Samples(name: "\(steps * 5) events to timeline.jsonl", values: [])
        for run in 0..<runs {
            // Baseline: the events' payloads kept as they arrive, nothing encoded or written.
            let array = Mutex<[(Int, Data)]>([])
            var cpu = CPUTime.now()
            for (i, payload) in payloads.enumerated() {
                for kind in 0..<5 { array.withLock { $0.append((i * 5 + kind, payload)) } }
            }
            kept.values.append(cpu.elapsedMilliseconds())
            let url = scratch.base.appendingPathComponent("timeline-\(run).jsonl")
            let timeline = try Timeline(url: url, evidence: evidence)
            cpu = CPUTime.now()
            for (i, payload) in payloads.enumerated() {
                // What a request step under a complete wiretap records, through the same encoders.
                let request = NATSMessage(subject: "bench.echo", replyTo: "_INBOX.abc.1", payload: payload, arrival: UInt64(i * 2))
                let reply = NATSMessage(subject: "_INBOX.abc.1", payload: payload, arrival: UInt64(i * 2 + 1))
                timeline.append(kind: "step", source: "scenario:bench", writing: { TimelineEvents.writeStep("started", index: i, kind: "request", into: &$0) })
                timeline.append(kind: "message", source: "wiretap", writing: { TimelineEvents.writeMessage(request, evidence: evidence, into: &$0) })
                timeline.append(kind: "message", source: "wiretap", writing: { TimelineEvents.writeMessage(reply, evidence: evidence, into: &$0) })
                timeline.append(kind: "step", source: "scenario:bench", writing: {
                    TimelineEvents.writeRequest(subject: "bench.echo", payload: payload, reply: reply, error: nil, evidence: evidence, into: &$0)
                })
                timeline.append(kind: "step", source: "scenario:bench", writing: { TimelineEvents.writeStep("passed", index: i, kind: "request", into: &$0) })
            }
            timeline.close()
            recorded.values.append(cpu.elapsedMilliseconds())
            let lines = try Data(contentsOf: url).reduce(0) { $1 == 0x0A ? $0 + 1 : $0 }
            guard lines == steps * 5 else { throw ValidationError("the timeline holds \(lines) lines, expected \(steps * 5)") }
        }
        let rows: [(Samples, baseline: Samples?, target: String)] = [
            (kept, nil, "baseline (process CPU time)"), (recorded, kept, "process CPU time, appending and writing"),
        ]
        print(Report.table(rows), terminator: "")
        let perEvent = (recorded.median - kept.median) / Double(steps * 5) * 1000
        print(String(format: "timeline CPU per event over the baseline: %.2f µs (%.1f µs per request step)\n", perEvent, perEvent * 5))
        if let json { try Report.json(rows).write(toFile: json, atomically: true, encoding: .utf8) }
    }
}

/// The process's CPU time (user + system, every thread), for costs that run on other threads.
struct CPUTime {
    var microseconds: Double

    static func now() -> CPUTime {
        var usage = rusage()
        getrusage(RUSAGE_SELF.rawValue, &usage)
        let user = Double(usage.ru_utime.tv_sec) * 1e6 + Double(usage.ru_utime.tv_usec)
        let system = Double(usage.ru_stime.tv_sec) * 1e6 + Double(usage.ru_stime.tv_usec)
        return CPUTime(microseconds: user + system)
    }

    func elapsedMilliseconds() -> Double {
        (CPUTime.now().microseconds - microseconds) / 1000
    }
}
