import Foundation
import GreenticTestKit
import GreenticTestKitTesting
import ScenarioDSL
import Simulators
import TestSupport
import Testing

/// A writable copy of the project's packs, so a test can install into the running stack.
func copyOfPacks(in env: TestEnv) throws -> URL {
    let copy = env.directory.artifacts.appendingPathComponent("packs")
    try FileManager.default.copyItem(at: Paths.packageRoot.appendingPathComponent("Packs"), to: copy)
    return copy
}

@Suite("Stack suites driven through the DSL", .tags(.infra, .scenario))
struct StackSuitesTests {
    @Test(.requires(infra: [.nats, .redis]), .testEnv(infra: [.nats, .redis]))
    func deployFlowWritesThePlanThatPacksPlanPrints() async throws {
        let env = try TestEnv.required()
        let stack = try await env.startStack(packsRoot: Paths.packageRoot.appendingPathComponent("Packs"))
        try await env.run(Scenario("deploy") {
            HTTP("POST", "/runner/emit", json: ["flow": "deploy_generic_iac", "tenant": "acme", "payload": [:]], capture: "event")
            Assert("${event.result.route}", contains: "render")
        }, serverURL: stack.fixtureServerURL)
        let written = try JSONValue.parse(Data(contentsOf: env.directory.artifacts.appendingPathComponent("iac/plan.json")))
        let cli = try await CommandRunner.run(Paths.cli.path, ["packs", "plan", "--packs", "Packs", "--pack-id", "deploy-generic", "--tenant", "acme",
                                                                 "--environment", stack.env],
                                              workingDirectory: Paths.packageRoot)
        #expect(cli.status == 0, "\(cli.stderr)")
        #expect(written == (try JSONValue.parse(cli.stdout)))
    }

    @Test(.requires(infra: [.nats, .redis]), .testEnv(infra: [.nats, .redis]))
    func tenantsInParallelSeeOnlyTheirOwnReplies() async throws {
        let env = try TestEnv.required()
        // Each tenant's worker credential; only its fingerprint may travel, and only to its tenant.
        let secrets = ["alpha": "alpha-token-\(UUID().uuidString)", "beta": "beta-token-\(UUID().uuidString)"]
        for (tenant, value) in secrets { try env.writeTenantSecret(tenant: tenant, key: "repo_token", value: value) }
        func fingerprint(_ tenant: String) -> String { "sha256:" + PackArchive.sha256Hex(Data(secrets[tenant]!.utf8)).prefix(12) }
        let stack = try await env.startStack(packsRoot: Paths.packageRoot.appendingPathComponent("Packs"))
        let tap = try await NATSClient.connect(url: try env.natsURL())
        let everything = try await tap.subscribe("greentic.messaging.egress.\(stack.env).>")
        try await tap.flush()
        func chat(_ tenant: String, _ repo: String) -> Scenario {
            Scenario("chat \(tenant)") {
                Expect(subject: "greentic.messaging.egress.\(stack.env).\(tenant).default.webchat", count: 3, within: .seconds(5)) {
                    $0.json("tenant", equals: .string(tenant)).json("text", contains: repo).header("Greentic-Tenant", equals: tenant)
                        .json("credential", equals: .string(fingerprint(tenant)))
                }
                for i in 0..<3 {
                    Publish(subject: "greentic.messaging.ingress.\(stack.env).\(tenant).default.webchat",
                            json: ["id": .string("\(tenant)-\(i)"), "session_id": .string("\(tenant)-s\(i)"), "channel": "webchat",
                                   "tenant": ["env": .string(stack.env), "tenant": .string(tenant), "tenant_id": .string(tenant), "attempt": 0],
                                   "text": .string("status of \(repo)")])
                }
            }
        }
        async let a: Void = env.run(chat("alpha", "alpha-api"))
        async let b: Void = env.run(chat("beta", "beta-web"))
        _ = try await (a, b)
        try await tap.flush()
        var seen: [String: [String]] = [:]
        while let m = await everything.next(timeout: .milliseconds(200)) {
            let json = try JSONValue.parse(m.payload)
            seen[m.subject, default: []].append(json["text"]?.stringValue ?? "")
        }
        #expect(Set(seen.keys) == ["greentic.messaging.egress.\(stack.env).alpha.default.webchat", "greentic.messaging.egress.\(stack.env).beta.default.webchat"])
        #expect(seen["greentic.messaging.egress.\(stack.env).alpha.default.webchat"]?.allSatisfy { $0.contains("alpha-api") } == true)
        #expect(seen["greentic.messaging.egress.\(stack.env).beta.default.webchat"]?.allSatisfy { $0.contains("beta-web") } == true)
        #expect(seen.values.map(\.count).reduce(0, +) == 6, "nothing crossed, nothing doubled")
        // State is kept per tenant (Redis here): each tenant's state holds only its own sessions.
        for tenant in ["alpha", "beta"] {
            let state = try #require(try await HTTPTestClient(base: stack.runnerURL).get("/runner/state?tenant=\(tenant)").json)
            #expect(state["backend"] == "redis")
            let keys = state["entries"]?.arrayValue?.compactMap { $0["key"]?.stringValue } ?? []
            #expect(keys.count == 3 && keys.allSatisfy { $0.hasSuffix("/session/\(tenant)-s0") || $0.hasSuffix("/session/\(tenant)-s1") || $0.hasSuffix("/session/\(tenant)-s2") },
                    "\(tenant): \(keys)")
        }
        // No secret value reached the test folder (logs, artifacts, env.json, timeline).
        let files = FileManager.default.enumerator(at: env.directory.root, includingPropertiesForKeys: nil)?.compactMap { $0 as? URL } ?? []
        for file in files {
            guard let data = FileManager.default.contents(atPath: file.path) else { continue }
            for value in secrets.values { #expect(data.range(of: Data(value.utf8)) == nil, "a secret leaked into \(file.path)") }
        }
        let log = try String(contentsOf: env.directory.artifacts.appendingPathComponent("effect_log.jsonl"), encoding: .utf8)
        #expect(EffectLogValidator.validate(log) == [])
        await tap.close()
    }

    @Test(.requires(infra: [.nats, .redis]), .testEnv(infra: [.nats, .redis]))
    func packBuiltVerifiedAndInstalledIntoTheRunningStackIsUsed() async throws {
        let env = try TestEnv.required()
        let packs = try copyOfPacks(in: env)
        let stack = try await env.startStack(packsRoot: packs)
        // A new pack with its own flow, built and verified as an archive.
        let source = env.directory.artifacts.appendingPathComponent("src")
        let pack = try PackWriter.write(root: source, id: "release-notes", name: "Release notes")
        try FileManager.default.createDirectory(at: pack.appendingPathComponent("flows"), withIntermediateDirectories: true)
        try Data("""
        type: events
        id: release_notes
        nodes:
          summarise:
            events.bridge.message_to_channel:
              component: demo.bridge.events_to_message
              config: {template: build-status}
              routing: {default: announce}
          announce:
            messaging.send:
              channel: releases
              routing: {default: done}
          done:
            noop: {}
        """.utf8).write(to: pack.appendingPathComponent("flows/release_notes.ygtc"))
        var manifest = try JSONValue.parse(Data(contentsOf: pack.appendingPathComponent("pack.json"))).objectValue!
        manifest["flows"] = [["id": "release_notes", "file": "flows/release_notes.ygtc"]]
        try PackWriter.write(.object(manifest), to: pack.appendingPathComponent("pack.json"))
        let tooling = PackTooling(logDirectory: env.directory.logs)
        let archive = env.directory.artifacts.appendingPathComponent("release-notes.zip")
        #expect(try await tooling.build(packDirectory: pack, output: archive) == .native)
        #expect(try await tooling.verify(archive: archive) == .native)
        #expect(try await tooling.install(archive: archive, packsRoot: packs) == .native)

        try await env.run(Scenario("installed pack is live") {
            HTTP("POST", "/packs/reload", status: 200, capture: "index")
            Assert("${index.count}", equals: 7)
            HTTP("POST", "/runner/emit", json: ["flow": "release_notes", "tenant": "acme",
                                                  "payload": ["payload": ["repo": "docs", "status": "published", "commit": "v1.2.0"]]], capture: "event")
            Assert("${event.result.replies.0}", equals: "Build of docs published at commit v1.2.0.")
        }, serverURL: stack.fixtureServerURL)
    }

    @Test(.requires(infra: [.nats, .postgres, .redis]), .testEnv(infra: [.nats, .postgres, .redis]))
    func waitingFlowIsResumedThroughTheFixtureServer() async throws {
        let env = try TestEnv.required()
        let stack = try await env.startStack(packsRoot: Paths.packageRoot.appendingPathComponent("Packs"))
        try await env.run(Scenario("helpdesk waits for the user, the fixture server resumes it") {
            InOrder {
                Expect(subject: "greentic.messaging.egress.\(stack.env).acme.default.webchat") { $0.json("delivery", equals: "prompt") }
                Expect(subject: stack.topic("greentic.helpdesk.ticket.opened"))
                Expect(subject: "greentic.messaging.egress.\(stack.env).acme.default.webchat") { $0.json("text", equals: "Ticket opened for vpn-gw-2: vpn drops") }
            }
            HTTP("POST", "/runner/emit", json: ["flow": "helpdesk_ticket", "tenant": "acme", "user": "u-42",
                                                  "payload": ["text": "vpn drops", "session_id": "conv-5"]], capture: "first")
            Assert("${first.result.status}", equals: "waiting")
            HTTP("GET", "/sessions?tenant=acme&user=u-42", capture: "listed")
            Assert("${listed.count}", equals: 1)
            Assert("${listed.sessions.0.cursor.flow_id}", equals: "helpdesk_ticket")
            Assert("${listed.sessions.0.cursor.node_id}", equals: "ask_system")
            HTTP("POST", "/sessions/resume", json: ["tenant": "acme", "user": "u-42", "payload": ["text": "vpn-gw-2"]], capture: "resumed")
            Assert("${resumed.result.status}", equals: "ok")
            Assert("${resumed.result.replies.0}", equals: "Ticket opened for vpn-gw-2: vpn drops")
            HTTP("GET", "/sessions?tenant=acme&user=u-42", capture: "after")
            Assert("${after.count}", equals: 0)
        }, serverURL: stack.fixtureServerURL)
        // The runner kept the turn's state in Postgres, under the tenant.
        let rows = try await PostgresConnection.run(url: try env.databaseURL(), sql:
            "SELECT tenant, key, value->>'waiting_at' FROM greentic_state WHERE key LIKE '%/helpdesk_ticket/%' ORDER BY key")
        #expect(rows.map { $0.compactMap { $0 } } == [["acme", "pack/integration-demos/flow/helpdesk_ticket/session/conv-5"]], "\(rows)")
    }

    @Test(.requires(infra: [.nats, .redis]), .testEnv(infra: [.nats, .redis]))
    func failingComponentIsRetriedWithBackoffThenDeadLettered() async throws {
        let env = try TestEnv.required()
        let stack = try await env.startStack(packsRoot: Paths.packageRoot.appendingPathComponent("Packs"))
        let runner = HTTPTestClient(base: stack.runnerURL)
        var message = try Fixture(root: Paths.fixtures).json("inputs/channel_message.json").objectValue!
        message["text"] = "status of ledger"
        #expect(try await runner.post("/runner/faults", json: ["fail": ["demo.worker.repo_assistant": 2]]).status == 200)
        try await env.run(Scenario("two failures, then success") {
            Expect(subject: "greentic.messaging.egress.\(stack.env).acme.platform.webchat", count: 1, within: .seconds(5)) {
                $0.json("text", equals: "ledger: no failing builds known to the assistant.")
            }
            ExpectNone(subject: stack.topic("dlq.>"), within: .milliseconds(200))
            Publish(subject: "greentic.messaging.ingress.\(stack.env).acme.platform.webchat", json: .object(message))
        })
        let attempts = env.directory.artifacts.appendingPathComponent("attempt_log.jsonl")
        let first = try String(contentsOf: attempts, encoding: .utf8).split(separator: "\n").map { try JSONValue.parse(String($0)) }
        #expect(first.map { $0["outcome"]?.stringValue } == ["failed", "failed", "ok"])
        let delays = first.compactMap { $0["backoff_ms"]?.doubleValue }
        #expect(delays.count == 2 && delays[1] > delays[0], "growing delays: \(delays)")

        #expect(try await runner.post("/runner/faults", json: ["fail": ["demo.worker.repo_assistant": 10]]).status == 200)
        message["id"] = "msg-dead"
        try await env.run(Scenario("beyond the bound: dead letter") {
            Expect(subject: stack.topic("dlq.acme.ingress"), count: 1, within: .seconds(5)) {
                $0.json("retries", equals: 3).json("envelope.id", equals: "msg-dead").json("error.stage", equals: "ingress")
                    .header("Greentic-Tenant", equals: "acme")
            }
            ExpectNone(subject: "greentic.messaging.egress.\(stack.env).>", within: .milliseconds(300))
            Publish(subject: "greentic.messaging.ingress.\(stack.env).acme.platform.webchat", json: .object(message))
        })
        let all = try String(contentsOf: attempts, encoding: .utf8).split(separator: "\n").map { try JSONValue.parse(String($0)) }
        #expect(all.dropFirst(3).map { $0["outcome"]?.stringValue } == ["failed", "failed", "dead_lettered"])
        #expect(try await HTTPTestClient(base: stack.runnerURL).get("/healthz").json?["dead_lettered"] == 1)
    }
}
