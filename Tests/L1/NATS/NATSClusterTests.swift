import Foundation
import GreenticTestKit
import GreenticTestKitTesting
import ScenarioDSL
import TestSupport
import Testing

@Suite("Native NATS cluster through TestEnv", .tags(.nats, .infra))
struct NATSClusterTests {
    /// Three routed nodes with clustered JetStream: a client given the URL list survives the loss
    /// of the node it is connected to, its subscription comes back on another node, and a
    /// replicated stream keeps every acknowledged message.
    @Test(.requires(infra: [.natsCluster(nodes: 3)]), .testEnv(infra: [.natsCluster(nodes: 3)], backend: .native))
    func clientFailsOverAndAReplicatedStreamKeepsItsMessages() async throws {
        let env = try TestEnv.required()
        let urls = env.endpoints.natsURLs
        #expect(urls.count == 3 && Set(urls).count == 3, "\(urls)")
        #expect(try env.natsURL() == urls.joined(separator: ","))
        let nodes = env.services.filter { $0.name.hasPrefix("nats-") }
        #expect(nodes.map(\.name).sorted() == ["nats-1", "nats-2", "nats-3"])
        #expect(Set(nodes.compactMap { $0.capture("port") }.map { "nats://127.0.0.1:\($0)" }) == Set(urls))

        var options = NATSClient.Options()
        options.reconnectWaitMax = .milliseconds(100)
        let client = try await NATSClient.connect(url: try env.natsURL(), options: options)
        env.addTeardown { await client.close() }
        #expect(client.connectedURL == urls[0], "the first node of the list is tried first")
        let p = env.subjectPrefix
        let live = try await client.subscribe("\(p).live")
        let js = JetStream(client: client)
        let stream = env.scopedName("ORDERS")
        let created = try await js.addStream(name: stream, subjects: ["\(p).orders.>"], replicas: 3)
        #expect(created.value(atPath: "config.num_replicas") == 3)
        for i in 0..<5 { _ = try await js.publish("\(p).orders.\(i)", payload: Data("order \(i)".utf8)) }
        // Another node sees the route: a message from a client on node 2 reaches node 1.
        let peer = try await NATSClient.connect(url: urls[1])
        env.addTeardown { await peer.close() }
        try await client.flush()
        try peer.publish("\(p).live", text: "over the route")
        #expect(await live.next(timeout: .seconds(2))?.text == "over the route")

        let connected = try #require(nodes.first { "nats://127.0.0.1:\($0.capture("port") ?? "")" == client.connectedURL })
        connected.signalGroup(SIGKILL)
        _ = await connected.waitForExit(timeout: .seconds(5))
        #expect(try await eventually(within: .seconds(10)) { client.reconnectCount == 1 && client.isConnected }, "the client reconnected")
        #expect(client.connectedURL != "nats://127.0.0.1:\(connected.capture("port") ?? "")")
        #expect(urls.contains(client.connectedURL))

        // The subscription is back (on the new node) and the stream lost nothing acknowledged:
        // retried until the stream has a leader again on the remaining nodes.
        try await client.flush()
        try peer.publish("\(p).live", text: "after the loss")
        #expect(await live.next(timeout: .seconds(5))?.text == "after the loss")
        let messages = try await js.waitForStream(stream).value(atPath: "state.messages")
        #expect(messages == 5, "the stream kept its five messages")
        let ack = try await js.publish("\(p).orders.5", payload: Data("order 5".utf8))
        #expect(ack.sequence == 6 && !ack.duplicate)
        // Deleting goes through the meta leader, which the cluster may be electing anew.
        try await js.waitForMetaLeader()
        #expect(try await js.streamNames().contains(stream))
        try await js.deleteStream(stream)
    }

    @Test(.testEnv())
    func aClusterOfTwoSizesOrOnComposeIsRefused() async throws {
        // The refused environments keep their folders (as failures do) inside this test's.
        var options = TestEnvOptions()
        options.artifactsBase = try TestEnv.required().directory.artifacts
        let base = options
        await #expect(throws: TestEnvError.self) {
            try await TestEnv.with(name: "two-clusters", infra: [.natsCluster(nodes: 3), .natsCluster(nodes: 4)], options: base) { _ in }
        }
        options.infraSelection = .compose
        do {
            try await TestEnv.with(name: "compose-cluster", infra: [.natsCluster(nodes: 3)], options: options) { _ in }
            Issue.record("compose booted a cluster")
        } catch let error as TestEnvError {
            #expect("\(error)".contains("the compose backend runs one NATS server"), "\(error)")
        }
    }
}
