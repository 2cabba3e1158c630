import Foundation
import GreenticTestKit
import GreenticTestKitTesting
import ScenarioDSL
import Simulators
import TestSupport
import Testing

@Suite("The stack on a NATS cluster loses the runner's node", .tags(.infra, .nats))
struct NATSClusterFailoverTests {
    @Test(.requires(infra: [.natsCluster(nodes: 3), .redis]), .testEnv(infra: [.natsCluster(nodes: 3), .redis], backend: .native))
    func runnerAndClientMoveToAnotherNodeAndNothingIsLostOrDoubled() async throws {
        let env = try TestEnv.required()
        let stack = try await env.startStack(packsRoot: Paths.packageRoot.appendingPathComponent("Packs"))
        #expect(stack.natsURL == (try env.natsURL()) && env.endpoints.natsURLs.count == 3)
        let runner = HTTPTestClient(base: stack.runnerURL)
        let before = try #require(try await runner.get("/healthz").json)
        let runnerNode = try #require(before["nats_server"]?.stringValue)
        #expect(env.endpoints.natsURLs.contains(runnerNode), "\(before)")

        // The test's client starts on the runner's node, so the loss of that node cuts both.
        let ordered = [runnerNode] + env.endpoints.natsURLs.filter { $0 != runnerNode }
        var options = NATSClient.Options()
        options.reconnectWaitMax = .milliseconds(100)
        let client = try await NATSClient.connect(url: ordered.joined(separator: ","), options: options)
        env.addTeardown { await client.close() }
        let replies = try await client.subscribe("greentic.messaging.egress.\(stack.env).>")
        let js = JetStream(client: client)
        let stream = env.scopedName("AUDIT")
        try await js.addStream(name: stream, subjects: ["\(env.subjectPrefix).audit.>"], replicas: 3)
        try await client.flush()
        func send(_ id: String) throws {
            try client.publish("greentic.messaging.ingress.\(stack.env).acme.default.webchat", json: [
                "id": .string(id), "session_id": .string("s-\(id)"), "channel": "webchat", "text": .string("status of repo-\(id)"),
                "tenant": ["env": .string(stack.env), "tenant": "acme", "tenant_id": "acme", "attempt": 0],
            ])
        }
        var texts: [String] = []
        func collect(until count: Int, within timeout: Duration) async throws {
            // Waits for each reply until the deadline; a pause between two replies (the runner
            // busy on a loaded machine) used to end the collection early and lose the last one.
            let deadline = ContinuousClock.now + timeout
            while texts.count < count, ContinuousClock.now < deadline {
                guard let m = await replies.next(timeout: deadline - ContinuousClock.now) else { break }
                texts.append(try JSONValue.parse(m.payload)["text"]?.stringValue ?? "")
            }
        }
        for i in 0..<5 {
            try send("m\(i)")
            _ = try await js.publish("\(env.subjectPrefix).audit.\(i)", payload: Data("sent m\(i)".utf8))
        }
        try await collect(until: 5, within: .seconds(10))
        #expect(texts.count == 5, "\(texts)")

        // Mid-scenario: the node both are connected to dies.
        let node = try #require(env.services.first { $0.name.hasPrefix("nats-") && "nats://127.0.0.1:\($0.capture("port") ?? "")" == runnerNode })
        node.signalGroup(SIGKILL)
        _ = await node.waitForExit(timeout: .seconds(5))
        #expect(try await eventually(within: .seconds(10)) { client.reconnectCount == 1 && client.isConnected }, "the client reconnected")
        #expect(client.connectedURL != runnerNode)
        var after: JSONValue = .null
        let reconnectedBy = ContinuousClock.now + .seconds(10)
        while ContinuousClock.now < reconnectedBy {
            after = (try? await runner.get("/healthz").json) ?? .null
            if after["nats_reconnects"] == 1 && after["nats_connected"] == true { break }
            try await Task.sleep(for: .milliseconds(50))
        }
        #expect(after["nats_reconnects"] == 1 && after["nats_connected"] == true, "\(after)")
        let runnerNow = try #require(after["nats_server"]?.stringValue)
        #expect(runnerNow != runnerNode && env.endpoints.natsURLs.contains(runnerNow))

        // The runner's subscription reaches the client's node over the routes: probe until a
        // marked message is answered, then send the rest.
        var probes = 0
        var answered = false
        while !answered && probes < 100 {
            probes += 1
            try send("probe-\(probes)")
            while let m = await replies.next(timeout: .milliseconds(100)) {
                let text = (try? JSONValue.parse(m.payload))?["text"]?.stringValue ?? ""
                if text.hasPrefix("repo-probe-") { answered = true } else { texts.append(text) }
            }
        }
        #expect(answered, "the runner answers again after \(probes) probes")
        for i in 5..<10 { try send("m\(i)") }
        try await collect(until: 10, within: .seconds(10))
        // Late answers to probes sent before the runner was back are not part of the count.
        let real = texts.filter { !$0.hasPrefix("repo-probe-") }
        #expect(real.count == 10 && Set(real).count == 10, "every message answered once: \(real)")
        for i in 0..<10 { #expect(real.contains { $0.hasPrefix("repo-m\(i):") }, "m\(i) answered") }

        // The effect log: each message's session handled once.
        let log = try String(contentsOf: env.directory.artifacts.appendingPathComponent("effect_log.jsonl"), encoding: .utf8)
        #expect(EffectLogValidator.validate(log) == [])
        let handled = log.split(separator: "\n").compactMap { try? JSONValue.parse(String($0)) }.filter { $0["event"] == "state_write" }
            .compactMap { $0["session_id"]?.stringValue }.filter { !$0.hasPrefix("s-probe-") }
        #expect(handled.sorted() == (0..<10).map { "s-m\($0)" }.sorted(), "\(handled)")

        // The replicated stream kept every acknowledged message (once it has a leader again).
        let count = try await js.waitForStream(stream).value(atPath: "state.messages")
        #expect(count == 5)
        // Deleting goes through the meta leader, which the cluster may be electing anew.
        try await js.waitForMetaLeader()
        #expect(try await js.streamNames().contains(stream))
        try await js.deleteStream(stream)
    }
}
