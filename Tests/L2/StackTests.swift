import Foundation
import GreenticTestKit
import GreenticTestKitTesting
import ScenarioDSL
import TestSupport
import Testing

@Suite("The whole stack: NATS, Postgres, Redis, runner, fixture server", .tags(.infra))
struct StackTests {
    @Test(.requires(infra: [.nats, .postgres, .redis]), .testEnv(infra: [.nats, .postgres, .redis]))
    func stackBootsHealthyAndServesAChat() async throws {
        let env = try TestEnv.required()
        let stack = try await env.startStack(packsRoot: Paths.packageRoot.appendingPathComponent("Packs"))
        // The real runner exactly when one is found where the stack looks, else the simulator.
        let real = TestEnv.locateGreenticRunner(environment: env.options.environment)
        #expect(stack.runnerKind == (real == nil ? "runner-sim" : "greentic-runner"))
        #expect(stack.runnerBinary == (real ?? GreenticBinaries.integrationCLI(environment: env.options.environment)))
        let health = try #require(try await HTTPTestClient(base: stack.fixtureServerURL).get("/healthz").json)
        #expect(health["status"] == "ok" && health.value(atPath: "store.backend") == "redis")
        #expect(health["runner"] == .string(stack.runnerURL))
        #expect(try await HTTPTestClient(base: stack.runnerURL).get("/healthz").status == 200)
        let info = try JSONValue.parse(Data(contentsOf: env.directory.artifacts.appendingPathComponent("stack.json")))
        #expect(info["runner_binary"] == .string(stack.runnerBinary))

        let message = try Fixture(root: Paths.fixtures).json("inputs/channel_message.json")
        try await env.run(Scenario("chat through the stack") {
            Expect(subject: "greentic.messaging.egress.\(stack.env).acme.platform.webchat", count: 1) { $0.json("text", contains: "my-service") }
            Expect(subject: stack.topic("greentic.repo.build.request"), count: 1) { $0.json("payload.repo", equals: "my-service") }
            Publish(subject: "greentic.messaging.ingress.\(stack.env).acme.platform.webchat", json: message)
            HTTP("POST", "/runner/emit", json: ["flow": "build_status_notifications", "tenant": "acme",
                                                  "payload": ["payload": ["repo": "api", "status": "passed", "commit": "abc1234"]]], capture: "event")
            Assert("${event.result.replies.0}", equals: "Build of api passed at commit abc1234.")
        }, serverURL: stack.fixtureServerURL)
        // The runner serves its own {env} only: the same message on another env is no business
        // of this stack's, on a shared server too. (The other env is still this test's name, so
        // the message stays inside the test's scope on a shared NATS.)
        #expect(stack.env == env.greenticEnv && stack.env.hasPrefix("e2e-"))
        #expect(stack.topicPrefix == (stack.runnerKind == "runner-sim" ? "\(stack.env)." : ""))
        let otherEnv = "\(stack.env)-other"
        try await env.run(Scenario("another env's message") {
            Publish(subject: "greentic.messaging.ingress.\(otherEnv).acme.platform.webchat", json: message)
            ExpectNone(subject: "greentic.messaging.egress.\(otherEnv).>", within: .milliseconds(500))
            ExpectNone(subject: "greentic.messaging.egress.\(stack.env).>", within: .milliseconds(500))
        })
        // The infrastructure's logs are the test's when the native backend ran it.
        for name in (env.endpoints.backend == "native" ? ["nats", "redis"] : []) + [stack.runnerKind, "fixture-server"] {
            #expect(FileManager.default.fileExists(atPath: env.directory.logs.appendingPathComponent("\(name).log").path), "\(name).log")
        }
    }

    @Test(.requires(infra: [.nats, .postgres, .redis]), .testEnv())
    func stackUpPrintsEndpointsAndStopsCleanly() async throws {
        let env = try TestEnv.required()
        let dir = env.directory.artifacts.appendingPathComponent("stack-up")
        let up = try await env.start(ServiceSpec(
            name: "stack-up", executable: Paths.cli.path, arguments: ["stack", "up", "--infra", "native", "--dir", dir.path],
            workingDirectory: Paths.packageRoot, readiness: .logLine(#""fixture_server_url":"http://127\.0\.0\.1:(?<port>\d+)""#),
            readinessTimeout: .seconds(60)))
        let line = try #require(up.logTail(lines: 200).split(separator: "\n").first { $0.hasPrefix("{") })
        let endpoints = try JSONValue.parse(String(line))
        #expect(endpoints["nats_url"]?.stringValue?.hasPrefix("nats://127.0.0.1:") == true)
        #expect(try await HTTPTestClient(base: endpoints["fixture_server_url"]!.stringValue!).get("/healthz").status == 200)
        let registry = Reaper(artifactsBase: dir).registry
        let run = try #require(try FileManager.default.contentsOfDirectory(atPath: registry.path).first { $0.hasPrefix("\(up.pid)-") })
        let pids = try FileManager.default.contentsOfDirectory(atPath: registry.appendingPathComponent(run).path)
            .compactMap { Int32($0.split(separator: "-").first ?? "") }.filter { $0 > 0 }
        #expect(pids.count >= 5, "nats, postgres, redis, runner and fixture server registered")
        kill(up.pid, SIGTERM)
        #expect(await up.waitForExit(timeout: .seconds(15)) == .exited(0))
        for pid in pids { #expect(await ProcessProbe.waitGone(pid, timeout: .seconds(5)), "pid \(pid) left running") }
        #expect(FileManager.default.fileExists(atPath: dir.appendingPathComponent("stack/logs/fixture-server.log").path), "logs are left")
    }
}
