import Foundation
import GreenticTestKit
import GreenticTestKitTesting
import TestSupport
import Testing

@Suite("A harness process killed with SIGKILL leaves nothing behind", .tags(.reaper, .infra))
struct CrashCleanupTests {
    @Test(.requires(infra: [.nats, .postgres, .redis]), .testEnv())
    func killedRunIsCleanedUp() async throws {
        let env = try TestEnv.required()
        let base = env.directory.artifacts.appendingPathComponent("victim-run")
        // A process using the kit, holding NATS, Postgres and Redis, like a `swift test` mid-L2.
        let holder = try await env.start(ServiceSpec(
            name: "holder", executable: Paths.cli.path,
            arguments: ["e2e", "up", "--infra", "nats,postgres,redis", "--name", "victim"],
            environment: ["E2E_ARTIFACTS_DIR": base.path, "E2E_INFRA": "native"],
            readiness: .logLine(#""redis_url":"redis://127\.0\.0\.1:(?<port>\d+)""#), readinessTimeout: .seconds(60)))
        let registry = Reaper(artifactsBase: base).registry
        let runs = try FileManager.default.contentsOfDirectory(atPath: registry.path).filter { $0.hasPrefix("\(holder.pid)-") }
        let run = try #require(runs.first)
        let entries = try FileManager.default.contentsOfDirectory(atPath: registry.appendingPathComponent(run).path)
            .compactMap { try? JSONDecoder().decode(Reaper.Entry.self, from: Data(contentsOf: registry.appendingPathComponent(run).appendingPathComponent($0))) }
        #expect(Set(entries.map(\.name)) == ["nats", "postgres", "redis", "cleanup"])
        let secretsFolder = try #require(entries.first { $0.name == "cleanup" }?.cleanupPaths.first)
        #expect(FileManager.default.fileExists(atPath: secretsFolder))
        let pgData = try #require(entries.first { $0.name == "postgres" }?.cleanupPaths.first)
        #expect(FileManager.default.fileExists(atPath: pgData))

        kill(holder.pid, SIGKILL)
        _ = await holder.waitForExit(timeout: .seconds(5))
        for entry in entries where entry.pgid > 0 {
            #expect(await ProcessProbe.waitGone(entry.pgid, timeout: .seconds(5)), "\(entry.name) (pid \(entry.pgid)) survived its parent")
        }

        // The next run against the same artifacts folder reaps what the dead one registered.
        var options = TestEnvOptions(environment: ProcessInfo.processInfo.environment.merging(["E2E_ARTIFACTS_DIR": base.path]) { $1 })
        options.keepOnSuccess = false
        try await TestEnv.with(name: "next-run", options: options) { _ in }
        #expect(!FileManager.default.fileExists(atPath: registry.appendingPathComponent(run).path))
        #expect(!FileManager.default.fileExists(atPath: pgData), "Postgres data folder of the dead run was left")
        #expect(!FileManager.default.fileExists(atPath: secretsFolder), "secrets folder of the dead run was left")
        for entry in entries where entry.pgid > 0 { #expect(ProcessProbe.isGone(entry.pgid)) }
    }
}
