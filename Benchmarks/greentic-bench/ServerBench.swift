import ArgumentParser
import Foundation
import GreenticFixtureServer
import GreenticSessions
import GreenticTestKit
import Hummingbird
import Logging
import NIOCore

/// Fixture server throughput and latency under `wrk` (32 connections) next to a bare
/// Hummingbird route served by this process the same way.
struct ServerBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "server",
        abstract: "Fixture server GET /healthz, GET /sessions and POST /sessions (memory, file, redis) with wrk, against a bare Hummingbird route.")

    @Option(help: "Seconds per wrk run.") var seconds = 5
    @Option(help: "wrk connections.") var connections = 32
    @Option(help: "Write the results as JSON to this file.") var json: String?

    func run() async throws {
        _ = try Wrk.locate()
        let scratch = BenchScratch("server")
        defer { scratch.remove() }
        let options = scratch.options
        let rows = try await TestEnv.with(name: "bench-server", infra: [.redis], options: options) { env in
            let bare = try await BareServer.start()
            let bareHealth = try await Wrk.run(bare.url + "/healthz", connections: connections, seconds: seconds)
            await bare.stop()

            var metrics: [Metric] = [Metric(name: "bare Hummingbird GET /healthz", value: bareHealth.requestsPerSecond, unit: "req/s",
                                            baseline: nil, target: "baseline")]
            let post = """
                wrk.method = "POST"
                wrk.headers["Content-Type"] = "application/json"
                request = function()
                  return wrk.format(nil, nil, nil, '{"tenant":"bench","user":"u' .. math.random(1, 1000) .. '","key":"k' .. math.random(1, 100000) .. '"}')
                end
                """
            var memoryPost = 0.0
            for backend in ["memory", "file", "redis"] {
                let config = try ServerConfig.load(environment: [:], overrides: [
                    "server": ["listen_addr": "127.0.0.1:0", "max_body_bytes": 1_048_576],
                    "packs": ["root": .string(URL(fileURLWithPath: "Packs").standardizedFileURL.path)],
                    "stores": ["session": ["backend": .string(backend), "file_path": .string(env.directory.artifacts.appendingPathComponent("sessions-\(backend).json").path),
                                           "redis_url": .string(try env.redisURL()), "redis_prefix": "bench:sessions"]],
                ])
                let server = try await FixtureServer.start(state: try FixtureServerState(config: config))
                if backend == "memory" {
                    let health = try await Wrk.run(server.baseURL + "/healthz", connections: connections, seconds: seconds)
                    metrics.append(Metric(name: "fixture server GET /healthz", value: health.requestsPerSecond, unit: "req/s",
                                          baseline: bareHealth.requestsPerSecond, target: ">= 0.80x"))
                    metrics.append(Metric(name: "fixture server GET /healthz mean latency", value: health.latencyAverageMs, unit: "ms",
                                          baseline: bareHealth.latencyAverageMs, target: "-"))
                    for i in 0..<100 {
                        _ = try await server.state.store.upsert(SessionRecord(key: "seed-\(i)", tenant: "bench", user: "u\(i % 10)"))
                    }
                    let list = try await Wrk.run(server.baseURL + "/sessions?tenant=bench&user=u1", connections: connections, seconds: seconds)
                    metrics.append(Metric(name: "fixture server GET /sessions (100 sessions, memory)", value: list.requestsPerSecond, unit: "req/s",
                                          baseline: bareHealth.requestsPerSecond, target: "-"))
                }
                let upserts = try await Wrk.run(server.baseURL + "/sessions", connections: connections, seconds: seconds, lua: post)
                if backend == "memory" { memoryPost = upserts.requestsPerSecond }
                metrics.append(Metric(name: "fixture server POST /sessions (\(backend))", value: upserts.requestsPerSecond, unit: "req/s",
                                      baseline: backend == "memory" ? nil : memoryPost,
                                      target: backend == "file" ? ">= 0.50x memory (group commit)" : "-"))
                if upserts.errors > 0 { metrics.append(Metric(name: "  errors (\(backend))", value: Double(upserts.errors), unit: "", baseline: nil, target: "0")) }
                await server.stop()
            }
            return metrics
        }
        print(Report.metrics(rows), terminator: "")
        if let json { try Report.json(rows).write(toFile: json, atomically: true, encoding: .utf8) }
    }
}

/// A Hummingbird application with one `GET /healthz` route, the baseline of `ServerBench`.
final class BareServer: Sendable {
    let url: String
    let task: Task<Void, any Error>

    init(url: String, task: Task<Void, any Error>) {
        self.url = url
        self.task = task
    }

    static func start() async throws -> BareServer {
        let router = Router()
        router.get("/healthz") { _, _ in
            var headers = HTTPFields()
            headers[.contentType] = "application/json"
            return Response(status: .ok, headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(string: #"{"status":"ok"}"#)))
        }
        var logger = Logger(label: "bench.bare")
        logger.logLevel = .critical  // stopping by cancellation logs errors that mean nothing here
        let (ports, continuation) = AsyncStream<Int>.makeStream()
        let app = Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)),
                              onServerRunning: { channel in continuation.yield(channel.localAddress?.port ?? 0) }, logger: logger)
        let task = Task { try await app.runService(gracefulShutdownSignals: []) }
        var it = ports.makeAsyncIterator()
        guard let port = await it.next() else { throw ValidationErrorMessage("the bare server did not start") }
        return BareServer(url: "http://127.0.0.1:\(port)", task: task)
    }

    func stop() async {
        task.cancel()
        _ = try? await task.value
    }
}
