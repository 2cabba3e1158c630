import ArgumentParser
import Foundation
import GreenticTestKit
import ScenarioDSL

/// NATS client throughput and request/reply latency, next to nats-py on the same server.
struct NATSBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "nats", abstract: "Pub/sub throughput (16 B, 1 KiB) and request/reply round trip, Swift client vs nats-py.")

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
            let small = try await pubSub(url: url, count: messages, size: 16)
            let large = try await pubSub(url: url, count: largeMessages, size: 1024)
            let rtt = try await requestReply(url: url, count: requests)
            let py = try await pythonBaseline(url: url, env: env)
            var rows: [[String]] = [["measurement", "Swift client", "nats-py", "ratio", "target"]]
            func rate(_ r: Double) -> String { String(format: "%.2f M msgs/s", r / 1e6) }
            rows.append(["pub/sub 16 B", rate(small), py.map { rate($0.small) } ?? "missing",
                         py.map { String(format: "%.1fx", small / $0.small) } ?? "-", "≥ 1 M msgs/s"])
            rows.append(["pub/sub 1 KiB", rate(large), py.map { rate($0.large) } ?? "missing",
                         py.map { String(format: "%.1fx", large / $0.large) } ?? "-", "-"])
            rows.append(["request/reply median", String(format: "%.0f µs", rtt), py.map { String(format: "%.0f µs", $0.rtt) } ?? "missing",
                         py.map { String(format: "%.2fx", rtt / $0.rtt) } ?? "-", "≤ 0.5× nats-py"])
            for row in rows {
                print(row[0].padding(toLength: 24, withPad: " ", startingAt: 0) + row[1...].map { $0.padding(toLength: 18, withPad: " ", startingAt: 0) }.joined())
            }
            if py == nil { print("nats-py: missing (python3 -m pip install nats-py)") }
            if let json {
                let doc: JSONValue = [
                    "swift": ["pubsub_16b_msgs_per_s": .number(small), "pubsub_1k_msgs_per_s": .number(large), "request_reply_median_us": .number(rtt)],
                    "nats_py": py.map { ["pubsub_16b_msgs_per_s": .number($0.small), "pubsub_1k_msgs_per_s": .number($0.large), "request_reply_median_us": .number($0.rtt)] } ?? .null,
                ]
                try Data((JSONWriter.pretty(doc) + "\n").utf8).write(to: URL(fileURLWithPath: json))
            }
        }
    }

    /// Messages per second from the first publish to the last delivery.
    func pubSub(url: String, count: Int, size: Int) async throws -> Double {
        let pub = try await NATSClient.connect(url: url)
        let sub = try await NATSClient.connect(url: url)
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

    /// nats-py's numbers on the same server, or nil when it is not installed.
    func pythonBaseline(url: String, env: TestEnv) async throws -> (small: Double, large: Double, rtt: Double)? {
        guard ExecutableLocator.find("python3") != nil else { return nil }
        let script = env.directory.artifacts.appendingPathComponent("bench.py")
        try Data(Self.python.utf8).write(to: script)
        let out = try await CommandRunner.run("python3", [script.path, url, "\(messages)", "\(largeMessages)", "\(requests)"], timeout: .seconds(600))
        guard out.status == 0, let result = try? JSONValue.parse(out.stdout),
              let s = result["small"]?.doubleValue, let l = result["large"]?.doubleValue, let r = result["rtt_us"]?.doubleValue else {
            FileHandle.standardError.write(Data("nats-py baseline unavailable: \(out.stderr.suffix(300))\n".utf8))
            return nil
        }
        return (s, l, r)
    }

    static let python = #"""
    import asyncio, json, statistics, sys, time
    import nats

    async def pubsub(url, count, size):
        pub = await nats.connect(url, pending_size=64 * 1024 * 1024)
        sub = await nats.connect(url)
        done = asyncio.get_running_loop().create_future()
        n = 0
        async def cb(msg):
            nonlocal n
            n += 1
            if n == count and not done.done():
                done.set_result(None)
        await sub.subscribe("pybench.%d" % size, cb=cb, pending_msgs_limit=count + 10, pending_bytes_limit=-1)
        await sub.flush()
        payload = b"a" * size
        start = time.perf_counter()
        for _ in range(count):
            await pub.publish("pybench.%d" % size, payload)
        await pub.flush()
        await asyncio.wait_for(done, 120)
        elapsed = time.perf_counter() - start
        await pub.close()
        await sub.close()
        return count / elapsed

    async def rtt(url, count):
        server = await nats.connect(url)
        client = await nats.connect(url)
        async def echo(msg):
            await msg.respond(msg.data)
        await server.subscribe("pybench.rr", cb=echo)
        await server.flush()
        samples = []
        for i in range(count + 100):
            start = time.perf_counter()
            await client.request("pybench.rr", b"x", timeout=5)
            if i >= 100:
                samples.append((time.perf_counter() - start) * 1e6)
        await server.close()
        await client.close()
        return statistics.median(samples)

    async def main():
        url, small, large, requests = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
        result = {"small": await pubsub(url, small, 16), "large": await pubsub(url, large, 1024), "rtt_us": await rtt(url, requests)}
        print(json.dumps(result))

    asyncio.run(main())
    """#
}
