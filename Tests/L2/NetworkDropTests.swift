import Foundation
import GreenticTestKit
import GreenticTestKitTesting
import ScenarioDSL
import Simulators
import TestSupport
import Testing

@Suite("Network drop between the runner and NATS", .tags(.infra, .nats))
struct NetworkDropTests {
    @Test(.requires(infra: [.nats, .redis]), .testEnv(infra: [.nats, .redis]))
    func runnerReconnectsAndNothingHandledIsLostOrDoubled() async throws {
        let env = try TestEnv.required()
        let (host, port) = try #require(InfraEndpoints.hostPort(try env.natsURL()))
        let proxy = try await FaultProxy.start(to: host, port: port)
        env.addTeardown { await proxy.stop() }
        let stack = try await env.startStack(packsRoot: Paths.packageRoot.appendingPathComponent("Packs"), runnerNATSURL: "nats://\(proxy.address)")
        let client = try await NATSClient.connect(url: try env.natsURL())
        let replies = try await client.subscribe("greentic.messaging.egress.\(stack.env).>")
        try await client.flush()
        func send(_ i: Int) async throws {
            try client.publish("greentic.messaging.ingress.\(stack.env).acme.default.webchat", json: [
                "id": .string("m\(i)"), "session_id": .string("s\(i)"), "channel": "webchat", "text": .string("status of repo-\(i)"),
                "tenant": ["env": .string(stack.env), "tenant": "acme", "tenant_id": "acme", "attempt": 0],
            ])
        }
        for i in 0..<5 { try await send(i) }
        var texts: [String] = []
        while texts.count < 5, let m = await replies.next(timeout: .seconds(3)) { texts.append(try JSONValue.parse(m.payload)["text"]?.stringValue ?? "") }
        #expect(texts.count == 5)

        proxy.setMode(.dropNewConnections)
        let acceptedBeforeTheCut = proxy.acceptedConnections
        // Returns once both sockets of the runner's connection are closed: from here on nothing
        // can reach the runner, so core NATS drops these three (none is handled).
        await proxy.cutLiveConnections()
        for i in 5..<8 { try await send(i) }
        try await client.flush()
        // The outage lasts until the runner has tried to reconnect and been refused.
        #expect(try await eventually { proxy.acceptedConnections > acceptedBeforeTheCut }, "the runner tried to reconnect during the outage")
        proxy.setMode(.pass)
        let health = HTTPTestClient(base: try #require(env.services.first { $0.name == "runner-sim" }.map { "http://127.0.0.1:\($0.capture("port")!)" }))
        let reconnectedBy = ContinuousClock.now + .seconds(5)
        var resumed = false
        while ContinuousClock.now < reconnectedBy && !resumed {
            // Probe with a marked message until the runner answers it, i.e. it has resubscribed.
            try client.publish("greentic.messaging.ingress.\(stack.env).acme.default.webchat", json: [
                "id": "probe", "session_id": "probe", "channel": "webchat", "text": "status of probe-repo",
                "tenant": ["env": .string(stack.env), "tenant": "acme", "tenant_id": "acme", "attempt": 0],
            ])
            // Replies to messages that slipped through before the cut arrive late: keep them.
            while let m = await replies.next(timeout: .milliseconds(200)) {
                let text = (try? JSONValue.parse(m.payload))?["text"]?.stringValue ?? ""
                if text.contains("probe-repo") { resumed = true } else { texts.append(text) }
            }
        }
        #expect(resumed, "the runner reconnected through the proxy")
        #expect(try await health.get("/healthz").status == 200)
        for i in 8..<13 { try await send(i) }
        while let m = await replies.next(timeout: .seconds(1)) { texts.append(try JSONValue.parse(m.payload)["text"]?.stringValue ?? "") }
        let real = texts.filter { !$0.contains("probe-repo") }
        #expect(Set(real).count == real.count, "no reply doubled: \(real)")
        for i in Array(0..<5) + Array(8..<13) { #expect(real.contains { $0.hasPrefix("repo-\(i):") }, "message \(i) answered after the drop") }

        // The effect log lists each handled session once, and its replies match.
        let log = try String(contentsOf: env.directory.artifacts.appendingPathComponent("effect_log.jsonl"), encoding: .utf8)
        #expect(EffectLogValidator.validate(log) == [])
        let writes = log.split(separator: "\n").compactMap { try? JSONValue.parse(String($0)) }.filter { $0["event"] == "state_write" }
        let handled = writes.compactMap { $0["session_id"]?.stringValue }.filter { $0 != "probe" }
        #expect(Set(handled).count == handled.count)
        #expect(Set(handled) == Set((Array(0..<5) + Array(8..<13)).map { "s\($0)" }), "sent during the outage, never handled: \(handled.sorted())")
        #expect(handled.count == real.count, "every handled message has exactly one reply")
        await client.close()
    }
}
