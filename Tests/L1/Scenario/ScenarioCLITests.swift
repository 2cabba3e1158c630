import Foundation
import GreenticTestKit
import GreenticTestKitTesting
import ScenarioDSL
import TestSupport
import Testing

@Suite("scenario run (CLI)", .tags(.cli, .scenario))
struct ScenarioCLITests {
    @Test(.requires(infra: [.nats]), .testEnv(infra: [.nats]))
    func runsFilesAndWritesJUnit() async throws {
        let env = try TestEnv.required()
        let service = try await NATSClient.connect(url: try env.natsURL())
        let cli = env.subjectPrefix
        let task = try await startEchoService(service, prefix: cli)
        env.addTeardown { task.cancel(); await service.close() }
        let server = try await ServerHarness.start(env)
        let dir = env.directory.artifacts
        let failing = dir.appendingPathComponent("failing.yaml")
        try Data("version: 1\nname: never answered\nsteps:\n  - publish: {subject: \"${prefix}.in\", json: {text: x}}\n  - expect: {subject: \"${prefix}.out\", within_ms: 200, match: {text: NOPE}}\n".utf8).write(to: failing)
        let broken = dir.appendingPathComponent("broken.yaml")
        try Data("version: 1\nname: b\nsteps:\n  - bogus: {}\n".utf8).write(to: broken)
        let junit = dir.appendingPathComponent("junit.xml")
        let out = try await CommandRunner.run(Paths.cli.path, [
            "scenario", "run", Paths.fixtures.appendingPathComponent("scenarios/echo_round_trip.yaml").path,
            Paths.fixtures.appendingPathComponent("scenarios/install_pack.yaml").path, failing.path, broken.path,
            "--nats", try env.natsURL(), "--server", server.client.base, "--packs-root", server.packs.path,
            "--prefix", cli, "--artifacts", dir.appendingPathComponent("scenarios").path, "--junit", junit.path,
        ])
        #expect(out.status == 1)
        let lines = out.stdout.split(separator: "\n").map(String.init)
        #expect(lines.count == 5, "\(out.stdout)")
        #expect(lines[0].hasPrefix("PASS echo round trip ("))
        #expect(lines[1].hasPrefix("PASS install a pack into the running server ("), "\(lines[1])")
        #expect(lines[2].hasPrefix("FAIL never answered (") && lines[2].contains("step 2 (expect) failed"), "\(lines[2])")
        #expect(lines[3].contains("FAIL \(broken.path) (not loaded)") && lines[3].contains("unknown step kind 'bogus'"))
        #expect(out.stdout.hasSuffix("2 passed, 2 failed\n"))
        let xml = try String(contentsOf: junit, encoding: .utf8)
        #expect(xml.contains(#"tests="4" failures="2""#))
        #expect(FileManager.default.fileExists(atPath: dir.appendingPathComponent("scenarios/echo_round_trip/timeline.jsonl").path))
        #expect(try await server.client.get("/packs").json?["count"] == 4, "the pack was installed and the server reloaded")
    }

    /// `scenario run` gives each file a test environment: `start_service` works, the service's
    /// lines and every message under `--wiretap` are in the timeline, and `timeline.html` is
    /// written beside it under `--artifacts`.
    @Test(.requires(infra: [.nats]), .testEnv(infra: [.nats]))
    func startServiceAndWiretapWorkFromTheCLI() async throws {
        let env = try TestEnv.required()
        let p = env.subjectPrefix
        let dir = env.directory.artifacts
        let script = dir.appendingPathComponent("greeter.sh")
        try ExecutableScript.write("#!/bin/bash\n" + ShellNATS.script("""
            nats_connect "$NATS"
            echo "greeter up"
            nats_pub "$P.side.note" 'unlisted'
            nats_pub "$P.hello" 'hello from the greeter'
            nats_flush
            echo "greeter published"
            exec sleep 30
            """), to: script)
        let file = dir.appendingPathComponent("greeter.yaml")
        try Data("""
            version: 1
            name: greeter from the cli
            steps:
              - expect: {subject: "${prefix}.hello", within_ms: 10000, text_contains: greeter}
              - start_service: {name: greeter, executable: "\(script.path)", env: {NATS: "${nats}", P: "${prefix}"}, ready_log: "greeter up"}
            """.utf8).write(to: file)
        let artifacts = dir.appendingPathComponent("runs")
        let out = try await CommandRunner.run(Paths.cli.path, [
            "scenario", "run", file.path, "--nats", try env.natsURL(), "--prefix", p, "--wiretap", "\(p).>", "--artifacts", artifacts.path,
        ])
        #expect(out.status == 0, "\(out.stdout)\n\(out.stderr)")
        #expect(out.stdout.hasPrefix("PASS greeter from the cli ("), "\(out.stdout)")
        let folder = artifacts.appendingPathComponent("greeter_from_the_cli")
        let timeline = try String(contentsOf: folder.appendingPathComponent("timeline.jsonl"), encoding: .utf8)
        #expect(timeline.contains(#""kind":"log","source":"greeter","data":{"line":"greeter up"}"#), "\(timeline)")
        #expect(timeline.contains("\"subject\":\"\(p).side.note\""), "the wiretap recorded a subject the scenario never named")
        #expect(timeline.contains(#""event":"stopped""#), "the service stopped with the scenario")
        #expect(FileManager.default.fileExists(atPath: folder.appendingPathComponent("logs/greeter.log").path))
        let page = try String(contentsOf: folder.appendingPathComponent("timeline.html"), encoding: .utf8)
        #expect(page.contains("service: greeter") && page.contains("nats: \(p).side.note"))

        let bad = try await CommandRunner.run(Paths.cli.path, ["scenario", "run", file.path, "--wiretap", "a b"])
        #expect(bad.status == 2 && bad.stderr.contains("--wiretap 'a b' is not a NATS subject"), "\(bad.stderr)")
    }
}
