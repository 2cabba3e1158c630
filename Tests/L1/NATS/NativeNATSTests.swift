import Foundation
import GreenticTestKit
import GreenticTestKitTesting
import ScenarioDSL
import TestSupport
import Testing

@Suite("Native NATS through TestEnv", .tags(.nats, .infra))
struct NativeNATSTests {
    @Test(.requires(infra: [.nats]), .testEnv(infra: [.nats], backend: .native))
    func pubSubRoundTrip() async throws {
        let env = try TestEnv.required()
        let url = try env.natsURL()
        #expect(url.hasPrefix("nats://127.0.0.1:"))
        #expect(env.endpoints.backend == "native")
        let client = try await NATSClient.connect(url: url)
        env.addTeardown { await client.close() }
        let subject = "\(env.subjectPrefix).greeting"
        let sub = try await client.subscribe(subject)
        try await client.flush()
        try client.publish(subject, json: ["text": "hello"], headers: ["Greentic-Tenant": "acme"])
        let message = try #require(await sub.next(timeout: .seconds(2)))
        #expect(try JSONValue.parse(message.payload) == ["text": "hello"])
        #expect(message.headers?["Greentic-Tenant"] == "acme")
        #expect(message.subject == subject)
    }

    @Test(.requires(infra: [.nats])) func parallelEnvironmentsGetTheirOwnServers() async throws {
        let bothRunning = Barrier(count: 2)
        let options = {
            var options = TestEnvOptions()
            options.infraSelection = .native
            return options
        }()
        async let first = TestEnv.with(name: "parallel-nats", infra: [.nats], options: options) { env in
            await bothRunning.arriveAndWait()
            return (try env.natsURL(), env.directory.root.path)
        }
        async let second = TestEnv.with(name: "parallel-nats", infra: [.nats], options: options) { env in
            await bothRunning.arriveAndWait()
            return (try env.natsURL(), env.directory.root.path)
        }
        let (a, b) = try await (first, second)
        #expect(a.0 != b.0, "both got \(a.0)")
        #expect(a.1 != b.1)
        #expect(Set([a.1, b.1].map { URL(fileURLWithPath: $0).lastPathComponent }) == ["parallel-nats", "parallel-nats-2"])
    }

    @Test(.requires(infra: [.nats]), .testEnv(infra: [.nats], backend: .native))
    func serverIsStoppedWithTheEnvironment() async throws {
        let env = try TestEnv.required()
        let nats = try #require(env.services.first { $0.name == "nats" })
        #expect(nats.isRunning)
        let store = env.directory.root.appendingPathComponent("data/nats/jetstream")
        #expect(FileManager.default.fileExists(atPath: store.path), "JetStream store dir missing")
        await env.stop(nats)
        #expect(await ProcessProbe.waitGone(nats.pid))
        await #expect(throws: NATSError.self) { _ = try await NATSClient.connect(url: try env.natsURL(), timeout: .milliseconds(500)) }
    }
}
