import ArgumentParser
import Foundation
import GreenticTestKit

/// Time until a TestEnv's infrastructure is ready, against the bare servers started by hand.
struct TestEnvBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "testenv",
        abstract: "TestEnv ready time with native NATS, Postgres (per-test database) and Redis."
    )

    @Option(help: "Runs per measurement.") var runs = 30
    @Option(help: "Write the results as JSON to this file.") var json: String?

    func run() async throws {
        var scratch = BenchScratch("testenv")
        defer { scratch.remove() }
        scratch.options.keepOnSuccess = false
        let options = scratch.options

        // Cold start: the first environment of the process (for Postgres it includes initdb).
        let coldNATS = try await timeEnv([.nats], options)
        let coldPG = try await timeEnv([.postgres], options)

        var bareNATS = Samples(name: "nats-server alone (spawn to ready line)", values: [])
        var nats = Samples(name: "TestEnv [.nats] ready", values: [])
        var pg = Samples(name: "TestEnv [.postgres] ready (per-test DB)", values: [])
        var redis = Samples(name: "TestEnv [.redis] ready", values: [])
        var all = Samples(name: "TestEnv [.nats, .postgres, .redis] ready", values: [])
        for _ in 0..<runs {
            bareNATS.values.append(try await bareNATSServer(scratch.base))
            nats.values.append(try await timeEnv([.nats], options))
            pg.values.append(try await timeEnv([.postgres], options))
            redis.values.append(try await timeEnv([.redis], options))
            all.values.append(try await timeEnv([.nats, .postgres, .redis], options))
        }
        let rows: [(Samples, baseline: Samples?, target: String)] = [
            (bareNATS, nil, "baseline"),
            (nats, bareNATS, "< 50 ms"),
            (Samples(name: "TestEnv [.nats] cold (first of run)", values: [coldNATS]), nil, "-"),
            (pg, nil, "< 250 ms"),
            (Samples(name: "TestEnv [.postgres] cold (initdb + start)", values: [coldPG]), nil, "-"),
            (redis, nil, "< 50 ms"),
            (all, nil, "-"),
        ]
        print(Report.table(rows), terminator: "")
        if let json { try Report.json(rows).write(toFile: json, atomically: true, encoding: .utf8) }
    }

    /// Milliseconds from `TestEnv.with` to the first line of its body.
    func timeEnv(_ kinds: Set<InfraKind>, _ options: TestEnvOptions) async throws -> Double {
        let start = ContinuousClock.now
        return try await TestEnv.with(name: "bench", infra: kinds, options: options) { _ in
            milliseconds(ContinuousClock.now - start)
        }
    }

    /// Milliseconds for nats-server to print its "Server is ready" line, started with Process.
    func bareNATSServer(_ base: URL) async throws -> Double {
        let dir = base.appendingPathComponent("bare-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: try NativeBinaries.locate("nats-server"))
        process.arguments = ["-a", "127.0.0.1", "-p", "-1", "-js", "-sd", dir.path]
        let pipe = Pipe()
        process.standardError = pipe
        process.standardOutput = pipe
        let start = ContinuousClock.now
        try process.run()
        var seen = Data()
        let handle = pipe.fileHandleForReading
        while !String(decoding: seen, as: UTF8.self).contains("Server is ready") {
            let chunk = handle.availableData
            if chunk.isEmpty { break }
            seen.append(chunk)
        }
        let elapsed = milliseconds(ContinuousClock.now - start)
        process.terminate()
        process.waitUntilExit()
        return elapsed
    }
}
