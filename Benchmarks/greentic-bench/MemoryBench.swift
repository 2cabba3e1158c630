import ArgumentParser
import AsyncHTTPClient
import Foundation
import GreenticTestKit
import NIOCore

/// Peak resident memory of the fixture server process after it stored N sessions over HTTP,
/// next to its footprint when it has just started.
struct MemoryBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "memory", abstract: "Peak RSS of the fixture server (file store) after 100k sessions posted over HTTP.")

    @Option(help: "Sessions to post.") var sessions = 100_000
    @Option(help: "Concurrent clients.") var clients = 32
    @Option(help: "Write the results as JSON to this file.") var json: String?

    func run() async throws {
        let scratch = BenchScratch("memory")
        defer { scratch.remove() }
        let options = scratch.options
        let count = sessions
        let rows = try await TestEnv.with(name: "bench-memory", infra: [], options: options) { env in
            let server = try await env.start(.fixtureServer(
                arguments: ["--packs", URL(fileURLWithPath: "Packs").standardizedFileURL.path],
                environment: ["XDG_CONFIG_HOME": env.directory.artifacts.path,
                              "GREENTIC_STORES__SESSION__FILE_PATH": env.directory.artifacts.appendingPathComponent("sessions.json").path],
                workingDirectory: env.directory.artifacts))
            let url = "http://127.0.0.1:\(server.capture("port") ?? "0")/sessions"
            let idle = Self.residentKiB(pid: server.pid, field: "VmRSS:")
            let start = ContinuousClock.now
            try await withThrowingTaskGroup(of: Void.self) { group in
                for c in 0..<clients {
                    group.addTask {
                        for i in stride(from: c, to: count, by: clients) {
                            var request = HTTPClientRequest(url: url)
                            request.method = .POST
                            request.headers.add(name: "Content-Type", value: "application/json")
                            request.body = .bytes(ByteBuffer(string: #"{"tenant":"bench","user":"u\#(i % 1000)","key":"s-\#(i)","flow_id":"flow","node_id":"node","context":{"step":\#(i)}}"#))
                            let response = try await HTTPClient.shared.execute(request, timeout: .seconds(30))
                            _ = try await response.body.collect(upTo: 1 << 16)
                            guard response.status == .ok else { throw ValidationErrorMessage("POST /sessions answered \(response.status)") }
                        }
                    }
                }
                try await group.waitForAll()
            }
            let seconds = milliseconds(ContinuousClock.now - start) / 1000
            let peak = Self.residentKiB(pid: server.pid, field: "VmHWM:")
            return [Metric(name: "fixture server RSS just started", value: idle / 1024, unit: "MiB", baseline: nil, target: "baseline"),
                    Metric(name: "fixture server peak RSS after \(count / 1000)k sessions", value: peak / 1024, unit: "MiB", baseline: idle / 1024, target: "-"),
                    Metric(name: "bytes of peak RSS per session", value: (peak - idle) * 1024 / Double(count), unit: "B", baseline: nil, target: "-"),
                    Metric(name: "POST /sessions while filling (\(clients) clients)", value: Double(count) / seconds, unit: "req/s", baseline: nil, target: "-")]
        }
        print(Report.metrics(rows), terminator: "")
        if let json { try Report.json(rows).write(toFile: json, atomically: true, encoding: .utf8) }
    }

    /// A `/proc/<pid>/status` memory field in KiB.
    static func residentKiB(pid: Int32, field: String) -> Double {
        guard let text = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8),
              let line = text.split(separator: "\n").first(where: { $0.hasPrefix(field) }) else { return .nan }
        return Double(line.split(separator: " ", omittingEmptySubsequences: true).dropFirst().first ?? "") ?? .nan
    }
}
