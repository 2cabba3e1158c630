import Foundation
import GreenticTestKit
import GreenticTestKitTesting
import TestSupport
import Testing

@Suite("scripts/replay.sh and the golden-recording guard", .tags(.cli))
struct ScriptsTests {
    @Test(.requires(executables: ["python3"]), .testEnv())
    func replaySendsEverySampleThroughRunnerEmit() async throws {
        let env = try TestEnv.required()
        let server = try await ServerHarness.start(env, packs: Paths.packageRoot.appendingPathComponent("Packs"))
        let out = try await CommandRunner.run("/bin/bash", [Paths.packageRoot.appendingPathComponent("scripts/replay.sh").path,
                                                             "--server", server.client.base, "--cli", Paths.cli.path],
                                              workingDirectory: Paths.packageRoot, timeout: .seconds(60))
        #expect(out.status == 0, "\(out.stderr)")
        let lines = out.stdout.split(separator: "\n")
        #expect(lines.count == 2, "\(out.stdout)")
        #expect(lines.contains { $0.hasPrefix("channel_message.json -> repo_assistant_chat: ") })
        #expect(lines.contains { $0.hasPrefix("build_status_event.json -> build_status_notifications: ") })
        #expect(out.stderr.contains("skipped Fixtures/inputs/rebuild_request_event.json: no flow under Packs/ consumes topic greentic.repo.build.request"))
        let events = try #require(try await server.client.get("/runner/events").json?.arrayValue)
        #expect(events.map { $0["flow"]?.stringValue } == ["build_status_notifications", "repo_assistant_chat"])
        #expect(events.allSatisfy { $0["tenant"] == "acme" })
        #expect(events.last?.value(atPath: "payload.text") == "please rebuild my-service", "the whole envelope is the payload")

        let down = try await CommandRunner.run("/bin/bash", [Paths.packageRoot.appendingPathComponent("scripts/replay.sh").path,
                                                              "--server", "http://127.0.0.1:9", "--cli", Paths.cli.path],
                                               workingDirectory: Paths.packageRoot, timeout: .seconds(60))
        #expect(down.status == 1 && down.stderr.contains("failed"))
    }

    @Test(.requires(executables: ["git"]), .testEnv())
    func goldenRecordingIsRefusedOnADirtyTree() async throws {
        let env = try TestEnv.required()
        let repo = env.directory.artifacts.appendingPathComponent("repo")
        try FileManager.default.createDirectory(at: repo.appendingPathComponent("scripts"), withIntermediateDirectories: true)
        try FileManager.default.copyItem(at: Paths.packageRoot.appendingPathComponent("scripts/e2e.sh"), to: repo.appendingPathComponent("scripts/e2e.sh"))
        for args in [["init", "-q"], ["add", "."], ["-c", "user.email=t@example.invalid", "-c", "user.name=t", "commit", "-qm", "init"]] {
            #expect(try await CommandRunner.run("/usr/bin/env", ["git"] + args, workingDirectory: repo).status == 0)
        }
        try Data("dirty".utf8).write(to: repo.appendingPathComponent("uncommitted.txt"))
        let script = repo.appendingPathComponent("scripts/e2e.sh").path
        let refused = try await CommandRunner.run("/bin/bash", [script, "l0"], environment: ["GOLDEN_RECORD": "all", "E2E_INSTALL": "0"],
                                                  workingDirectory: repo, timeout: .seconds(30))
        #expect(refused.status == 2)
        #expect(refused.stderr.contains("refusing GOLDEN_RECORD=all on a dirty tree"), "\(refused.stderr)")
        let forced = try await CommandRunner.run("/bin/bash", [script, "l0"], environment: ["GOLDEN_RECORD": "all", "GOLDEN_FORCE": "1", "E2E_INSTALL": "0"],
                                                 workingDirectory: repo, timeout: .seconds(60))
        // Past the guard the run starts, and fails only where this scratch repo has no package.
        #expect(!forced.stderr.contains("refusing"), "GOLDEN_FORCE=1 goes past the guard")
        #expect(forced.stderr.contains("e2e: tier 'l0'") && forced.stderr.contains("e2e: build failed"), "\(forced.stderr)")
        #expect(forced.status == 1)
    }
}
