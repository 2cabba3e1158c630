import ArgumentParser
import Foundation
import GreenticTestKit
import ScenarioDSL

/// NATS client throughput and request/reply latency, beside the floor (raw sockets in C),
/// nats.go and nats-py, all measured in the same run against the same server.
struct NATSBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "nats", abstract: "Pub/sub throughput (16 B, 1 KiB) and request/reply round trip: the Swift client against the floor (C, raw sockets), nats.go and nats-py.",
        discussion: "The baselines are built here from Benchmarks/greentic-bench/Baselines: the floor with cc, nats.go in GOPATH mode from Debian's golang-github-nats-io-go-nats-dev, nats-py from pip. A missing toolchain is reported with its install command.")

    @Option(help: "Messages for the 16-byte run.") var messages = 500_000
    @Option(help: "Messages for the 1 KiB run.") var largeMessages = 100_000
    @Option(help: "Sequential requests for the round-trip run.") var requests = 2_000
    @Option(help: "Write the results as JSON to this file.") var json: String?

    func run() async throws {
        var options = TestEnvOptions()
        options.keepOnSuccess = false
        options.infraSelection = .native
        try await TestEnv.with(name: "bench-nats", infra: [.nats], options: options) { env in
            let url = try env.natsURL()
            let scratch = env.directory.artifacts
            // Baselines first and last around the Swift client, so drift over the run shows.
            var baselines: [NATSBaseline: NATSBaseline.Result] = [:]
            var missing: [NATSBaseline: String] = [:]
            for baseline in NATSBaseline.allCases {
                do {
                    baselines[baseline] = try await baseline.run(url: url, counts: (messages, largeMessages, requests), scratch: scratch)
                } catch let error as NATSBaseline.Missing {
                    missing[baseline] = error.description
                }
            }
            let swift = NATSBaseline.Result(
                small: try await pubSub(url: url, count: messages, size: 16),
                large: try await pubSub(url: url, count: largeMessages, size: 1024),
                rttMicroseconds: try await requestReply(url: url, count: requests))
            let table = NATSBenchTable(swift: swift, baselines: baselines)
            print(table.render())
            // The NATS fault proxy with no rule, publisher and subscriber both through it, beside
            // the direct connection measured above.
            let proxy = try await NATSFaultProxy.start(env)
            let proxied = NATSBaseline.Result(
                small: try await pubSub(url: proxy.url, count: messages, size: 16),
                large: try await pubSub(url: proxy.url, count: largeMessages, size: 1024),
                rttMicroseconds: try await requestReply(url: proxy.url, count: requests))
            await proxy.stop()
            print("")
            print(Self.proxyTable(direct: swift, proxied: proxied))
            for (baseline, reason) in missing.sorted(by: { $0.key.rawValue < $1.key.rawValue }) { print("\(baseline.title): missing (\(reason))") }
            if let json { try Data((JSONWriter.pretty(table.json(missing: missing)) + "\n").utf8).write(to: URL(fileURLWithPath: json)) }
        }
    }

    /// The proxy's cost: throughput kept (target ≥ 0.85 of direct) and round-trip time added
    /// (target ≤ 30 µs).
    static func proxyTable(direct: NATSBaseline.Result, proxied: NATSBaseline.Result) -> String {
        var lines = [["NATS fault proxy, no rules", "direct", "through proxy", "ratio", "target", "met"]]
        for (name, d, p) in [("pub/sub 16 B", direct.small, proxied.small), ("pub/sub 1 KiB", direct.large, proxied.large)] {
            lines.append([name, String(format: "%.2f M/s", d / 1e6), String(format: "%.2f M/s", p / 1e6), String(format: "%.2fx", p / d),
                          "≥ 0.85× direct", p / d >= 0.85 ? "yes" : "NO"])
        }
        let added = proxied.rttMicroseconds - direct.rttMicroseconds
        lines.append(["request/reply median", String(format: "%.0f µs", direct.rttMicroseconds), String(format: "%.0f µs", proxied.rttMicroseconds),
                      String(format: "+%.0f µs", added), "≤ +30 µs", added <= 30 ? "yes" : "NO"])
        let widths = (0..<lines[0].count).map { column in lines.map { $0[column].count }.max()! + 2 }
        return lines.map { line in zip(line, widths).map { $0.padding(toLength: $1, withPad: " ", startingAt: 0) }.joined() }.joined(separator: "\n")
    }

    /// Messages per second from the first publish to the last delivery.
    func pubSub(url: String, count: Int, size: Int) async throws -> Double {
        let pub = try await NATSClient.connect(url: url)
        var unbounded = NATSClient.Options()
        // As the baselines do: the subscriber keeps everything (nats.go's SetPendingLimits(-1, -1)).
        unbounded.pendingLimits = .init(messages: .max, bytes: .max)
        let sub = try await NATSClient.connect(url: url, options: unbounded)
        let subscription = try await sub.subscribe("bench.\(size)")
        try await sub.flush()
        let payload = Data(repeating: 0x61, count: size)
        let start = ContinuousClock.now
        let receiver = Task { () -> Int in
            var n = 0
            for await _ in subscription {
                n += 1
                if n == count { break }
            }
            return n
        }
        for _ in 0..<count { try pub.publish("bench.\(size)", payload: payload) }
        try await pub.flush()
        let received = await receiver.value
        let elapsed = ContinuousClock.now - start
        await pub.close()
        await sub.close()
        guard received == count else { throw ValidationError("received \(received) of \(count)") }
        return Double(count) / (Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18)
    }

    /// Median round trip in microseconds.
    func requestReply(url: String, count: Int) async throws -> Double {
        let server = try await NATSClient.connect(url: url)
        let client = try await NATSClient.connect(url: url)
        let sub = try await server.subscribe("bench.rr")
        try await server.flush()
        let responder = Task { for await m in sub { try? server.publish(m.replyTo!, payload: m.payload) } }
        var samples: [Double] = []
        for i in 0..<(count + 100) {
            let start = ContinuousClock.now
            _ = try await client.request("bench.rr", payload: Data("x".utf8), timeout: .seconds(5))
            if i >= 100 { samples.append(milliseconds(ContinuousClock.now - start) * 1000) }
        }
        responder.cancel()
        await server.close()
        await client.close()
        return Samples(name: "rr", values: samples).median
    }
}
