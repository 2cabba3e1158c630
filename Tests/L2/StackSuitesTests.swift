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
        let cli = try await CommandRunner.run(Paths.cli.path, ["packs", "plan", "--packs", "Packs", "--pack-id", "deploy-generic", "--tenant", "acme"],
                                              workingDirectory: Paths.packageRoot)
        #expect(cli.status == 0, "\(cli.stderr)")
        #expect(written == (try JSONValue.parse(cli.stdout)))
    }

    @Test(.requires(infra: [.nats, .redis]), .testEnv(infra: [.nats, .redis]))
    func tenantsInParallelSeeOnlyTheirOwnReplies() async throws {
        let env = try TestEnv.required()
        _ = try await env.startStack(packsRoot: Paths.packageRoot.appendingPathComponent("Packs"))
        let tap = try await NATSClient.connect(url: try env.natsURL())
        let everything = try await tap.subscribe("greentic.messaging.egress.>")
        try await tap.flush()
        func chat(_ tenant: String, _ repo: String) -> Scenario {
            Scenario("chat \(tenant)") {
                Expect(subject: "greentic.messaging.egress.dev.\(tenant).default.webchat", count: 3, within: .seconds(5)) {
                    $0.json("tenant", equals: .string(tenant)).json("text", contains: repo).header("Greentic-Tenant", equals: tenant)
                }
                for i in 0..<3 {
                    Publish(subject: "greentic.messaging.ingress.dev.\(tenant).default.webchat",
                            json: ["id": .string("\(tenant)-\(i)"), "session_id": .string("\(tenant)-s\(i)"), "channel": "webchat",
                                   "tenant": ["env": "dev", "tenant": .string(tenant), "tenant_id": .string(tenant), "attempt": 0],
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
        #expect(Set(seen.keys) == ["greentic.messaging.egress.dev.alpha.default.webchat", "greentic.messaging.egress.dev.beta.default.webchat"])
        #expect(seen["greentic.messaging.egress.dev.alpha.default.webchat"]?.allSatisfy { $0.contains("alpha-api") } == true)
        #expect(seen["greentic.messaging.egress.dev.beta.default.webchat"]?.allSatisfy { $0.contains("beta-web") } == true)
        #expect(seen.values.map(\.count).reduce(0, +) == 6, "nothing crossed, nothing doubled")
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
}
