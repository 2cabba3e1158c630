import Foundation
import GreenticTestKit
import GreenticTestKitTesting
import ScenarioDSL
import TestSupport
import Testing

@Suite("TCP fault proxy in front of NATS", .tags(.nats, .infra))
struct FaultProxyTests {
    @Test(.requires(infra: [.nats]), .testEnv(infra: [.nats]))
    func passLatencyCutAndRefuse() async throws {
        let env = try TestEnv.required()
        let (host, port) = try #require(InfraEndpoints.hostPort(try env.natsURL()))
        let proxy = try await FaultProxy.start(to: host, port: port)
        env.addTeardown { await proxy.stop() }
        var options = NATSClient.Options()
        options.reconnectWaitMax = .milliseconds(50)
        let nats = try await NATSClient.connect(url: "nats://\(proxy.address)", options: options)
        let sub = try await nats.subscribe("\(env.subjectPrefix).proxy")
        try await nats.flush()
        try nats.publish("\(env.subjectPrefix).proxy", text: "through the proxy")
        #expect(await sub.next(timeout: .seconds(2))?.text == "through the proxy")

        proxy.setMode(.latency(.milliseconds(100)))
        let start = ContinuousClock.now
        try await nats.flush()
        #expect(ContinuousClock.now - start >= .milliseconds(200), "a round trip crosses the delay twice")
        proxy.setMode(.pass)

        proxy.setMode(.dropNewConnections)
        await proxy.cutLiveConnections()
        #expect(try await eventually { !nats.isConnected })
        try nats.publish("\(env.subjectPrefix).proxy", text: "buffered while cut")
        #expect(try await eventually { proxy.acceptedConnections > 1 }, "the client kept trying")
        #expect(!nats.isConnected, "new connections are refused")

        proxy.setMode(.pass)
        #expect(try await eventually { nats.isConnected })
        #expect(await sub.next(timeout: .seconds(2))?.text == "buffered while cut")
        await nats.close()
    }
}
