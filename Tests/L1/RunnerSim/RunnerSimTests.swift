import Foundation
import GreenticTestKit
import GreenticTestKitTesting
import ScenarioDSL
import Simulators
import TestSupport
import Testing

@Suite("Runner simulator on NATS, driven by the DSL", .tags(.simulators, .nats))
struct RunnerSimTests {
    func startSim(_ env: TestEnv, topicPrefix: String? = nil, arguments: [String] = []) async throws -> URL {
        let log = env.directory.artifacts.appendingPathComponent("effects.jsonl")
        try await env.start(ServiceSpec(
            name: "runner-sim", executable: GreenticBinaries.integrationCLI(),
            arguments: ["runner-sim", "--nats", try env.natsURL(), "--packs", Paths.packageRoot.appendingPathComponent("Packs").path] + runnerSimScope(env, topicPrefix: topicPrefix) + [
                        "--effect-log", log.path, "--backoff-ms", "10"] + arguments,
            readiness: .logLine("runner-sim ready")))
        return log
    }

    @Test(.requires(infra: [.nats]), .testEnv(infra: [.nats]))
    func repoAssistantRebuildAndBuildStatus() async throws {
        let env = try TestEnv.required()
        let log = try await startSim(env)
        let message = try Fixture(root: Paths.fixtures).json("inputs/channel_message.json")
        let event = try Fixture(root: Paths.fixtures).json("inputs/build_status_event.json")
        try await env.run(Scenario("repo assistant rebuild") {
            Expect(subject: "greentic.messaging.egress.\(env.greenticEnv).acme.platform.webchat", count: 1) {
                $0.json("text", equals: "Rebuild of my-service requested.").header("Greentic-Tenant", equals: "acme")
                    .header("Greentic-Correlation-Id", equals: "corr-2201")
            }
            Expect(subject: "\(env.greenticEnv).greentic.repo.build.request", count: 1) { $0.json("payload.repo", equals: "my-service") }
            ExpectNone(subject: "\(env.greenticEnv).dlq.>", within: .milliseconds(200))
            Publish(subject: "greentic.messaging.ingress.\(env.greenticEnv).acme.platform.webchat", json: message)
        })
        try await env.run(Scenario("build status notification") {
            Expect(subject: "greentic.messaging.egress.\(env.greenticEnv).acme.default.webchat", count: 1) {
                $0.json("channel", equals: "build-notifications").json("text", equals: "Build of my-service failed at commit 9f3c2e1.")
            }
            Publish(subject: "\(env.greenticEnv).greentic.repo.build.status", json: event)
        })
        let lines = try String(contentsOf: log, encoding: .utf8)
        #expect(EffectLogValidator.validate(lines) == [])
        #expect(lines.split(separator: "\n").count == 4, "session_start + state_write for each of two sessions")
    }

    @Test(.requires(infra: [.nats]), .testEnv(infra: [.nats]))
    func retriesThenDeadLetters() async throws {
        let env = try TestEnv.required()
        _ = try await startSim(env, arguments: ["--fail", "demo.worker.repo_assistant=2", "--max-attempts", "3"])
        var message = try Fixture(root: Paths.fixtures).json("inputs/channel_message.json").objectValue!
        message["text"] = "status of my-service"
        try await env.run(Scenario("two failures, then success") {
            Expect(subject: "greentic.messaging.egress.\(env.greenticEnv).acme.platform.webchat", count: 1, within: .seconds(3))
            ExpectNone(subject: "\(env.greenticEnv).dlq.acme.ingress", within: .milliseconds(100))
            Publish(subject: "greentic.messaging.ingress.\(env.greenticEnv).acme.platform.webchat", json: .object(message))
        })
        let sim = try #require(env.services.first { $0.name == "runner-sim" })
        await env.stop(sim)
        _ = try await startSim(env, arguments: ["--fail", "demo.worker.repo_assistant=10", "--max-attempts", "3"])
        try await env.run(Scenario("beyond the bound") {
            Expect(subject: "\(env.greenticEnv).dlq.acme.ingress", count: 1, within: .seconds(3)) {
                $0.json("retries", equals: 3).json("error.message", contains: "injected failure").json("envelope.id", equals: "msg-7f3a")
            }
            ExpectNone(subject: "greentic.messaging.egress.\(env.greenticEnv).>", within: .milliseconds(200))
            Publish(subject: "greentic.messaging.ingress.\(env.greenticEnv).acme.platform.webchat", json: .object(message))
        })
    }

    /// Event topics and dead letters have no `{env}` token: behind `--topic-prefix` they are the
    /// prefix's only, and the same topics under another prefix stay quiet.
    @Test(.requires(infra: [.nats]), .testEnv(infra: [.nats]))
    func topicPrefixScopesEventTopicsAndDeadLetters() async throws {
        let env = try TestEnv.required()
        let own = "\(env.greenticEnv).own"
        _ = try await startSim(env, topicPrefix: own, arguments: ["--fail", "demo.worker.repo_assistant=1", "--max-attempts", "1"])
        let message = try Fixture(root: Paths.fixtures).json("inputs/channel_message.json")
        var again = message.objectValue ?? [:]
        again["id"] = "msg-again"
        let event = try Fixture(root: Paths.fixtures).json("inputs/build_status_event.json")
        try await env.run(Scenario("dead letter behind the prefix") {
            Expect(subject: "\(own).dlq.acme.ingress", count: 1, within: .seconds(3)) { $0.json("envelope.id", equals: "msg-7f3a") }
            ExpectNone(subject: "\(env.greenticEnv).dlq.>", within: .milliseconds(200))
            Publish(subject: "greentic.messaging.ingress.\(env.greenticEnv).acme.platform.webchat", json: message)
        })
        try await env.run(Scenario("events behind the prefix") {
            Expect(subject: "\(own).greentic.repo.build.request", count: 1) { $0.json("payload.repo", equals: "my-service") }
            ExpectNone(subject: "\(env.greenticEnv).greentic.repo.>", within: .milliseconds(200))
            Publish(subject: "greentic.messaging.ingress.\(env.greenticEnv).acme.platform.webchat", json: .object(again))
        })
        try await env.run(Scenario("the topic under another prefix is not consumed") {
            ExpectNone(subject: "greentic.messaging.egress.\(env.greenticEnv).>", within: .milliseconds(300))
            Publish(subject: "\(env.greenticEnv).greentic.repo.build.status", json: event)
        })
        try await env.run(Scenario("the prefixed topic is") {
            Expect(subject: "greentic.messaging.egress.\(env.greenticEnv).acme.default.webchat", count: 1) {
                $0.json("text", equals: "Build of my-service failed at commit 9f3c2e1.")
            }
            Publish(subject: "\(own).greentic.repo.build.status", json: event)
        })
    }

    @Test(arguments: ["a..b", ".", "a.*", "a.>.", "has space", "a.\tb"])
    func invalidTopicPrefixIsOneLineAndExitsNonZero(_ prefix: String) async throws {
        let out = try await CommandRunner.run(GreenticBinaries.integrationCLI(), ["runner-sim", "--nats", "nats://127.0.0.1:1", "--topic-prefix", prefix])
        #expect(out.status != 0)
        #expect(out.stderr.contains("invalid topic prefix '\(prefix)'"), "\(out.stderr)")
    }
}

@Suite("Fixture server bridged to the runner simulator", .tags(.simulators, .server))
struct RunnerSimBridgeTests {
    @Test(.requires(infra: [.nats]), .testEnv(infra: [.nats]))
    func emitAndResumeRunRealFlows() async throws {
        let env = try TestEnv.required()
        let sim = try await env.start(ServiceSpec(
            name: "runner-sim", executable: GreenticBinaries.integrationCLI(),
            arguments: ["runner-sim", "--nats", try env.natsURL(), "--packs", Paths.packageRoot.appendingPathComponent("Packs").path] + runnerSimScope(env) + [
                        "--listen", "127.0.0.1:0"],
            readiness: .all([.logLine(#"runner-sim http listening on http://127\.0\.0\.1:(?<port>\d+)"#),
                             .http(url: "http://127.0.0.1:${port}/healthz", status: 200)])))
        let runnerURL = "http://127.0.0.1:\(sim.capture("port")!)"
        let server = try await ServerHarness.start(env, packs: Paths.packageRoot.appendingPathComponent("Packs"),
                                                   environment: ["GREENTIC_RUNNER_URL": runnerURL])
        let nats = try await NATSClient.connect(url: try env.natsURL())
        let egress = try await nats.subscribe("greentic.messaging.egress.\(env.greenticEnv).>")
        try await nats.flush()

        let emitted = try await server.client.post("/runner/emit", json: [
            "flow": "repo_assistant_chat", "tenant": "acme", "user": "u1", "payload": ["text": "please rebuild billing-service", "session_id": "s-1"],
        ])
        #expect(emitted.status == 200, "\(emitted.text)")
        #expect(emitted.json?.value(atPath: "result.replies") == ["Rebuild of billing-service requested."])
        #expect(emitted.json?.value(atPath: "result.events.0.payload.repo") == "billing-service")
        #expect(await egress.next(timeout: .seconds(2))?.subject == "greentic.messaging.egress.\(env.greenticEnv).acme.default.webchat")

        _ = try await server.client.post("/sessions", json: ["tenant": "acme", "user": "u2", "flow_id": "repo_assistant_chat"])
        let resumed = try await server.client.post("/sessions/resume", json: ["tenant": "acme", "user": "u2", "payload": ["text": "status of web-app"]])
        #expect(resumed.json?.value(atPath: "result.replies.0") == "web-app: no failing builds known to the assistant.")

        let unknown = try await server.client.post("/runner/emit", json: ["flow": "no_such_flow"])
        #expect(unknown.status == 502 && unknown.json?.value(atPath: "error.message")?.stringValue?.contains("no flow 'no_such_flow'") == true)
        #expect(try await server.client.post("/packs/reload").status == 200, "reload forwarded to the simulator")
        await nats.close()
    }
}
