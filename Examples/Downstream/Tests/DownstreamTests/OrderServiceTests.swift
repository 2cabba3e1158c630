import Foundation
import GreenticFixtureServer
import GreenticTestKit
import GreenticTestKitTesting
import ScenarioDSL
import Testing

/// Swift Testing: a service under test (here a small in-process responder standing in for the
/// team's own binary) driven through NATS with the scenario DSL, and the fixture server's
/// session API driven over HTTP.
@Suite("Downstream: the kit from another package")
struct OrderServiceTests {
    @Test(.requires(infra: [.nats]), .testEnv(infra: [.nats]))
    func ordersAreConfirmedOnTheReplySubject() async throws {
        let env = try TestEnv.required()
        let service = try await NATSClient.connect(url: try env.natsURL())
        let orders = try await service.subscribe("\(env.subjectPrefix).orders")
        let worker = Task {
            for await message in orders {
                let order = try JSONValue.parse(message.payload)
                try await service.publish("\(env.subjectPrefix).confirmed",
                                          json: ["order": order["id"] ?? .null, "status": "confirmed"])
            }
        }
        try await service.flush()
        try await env.run(Scenario("an order is confirmed") {
            Expect(subject: "${prefix}.confirmed", count: 2) { $0.json("status", equals: "confirmed") }
            Publish(subject: "${prefix}.orders", json: ["id": "o-1"])
            Publish(subject: "${prefix}.orders", json: ["id": "o-2"])
        })
        worker.cancel()
        await service.close()
    }

    @Test(.testEnv())
    func sessionsRoundTripThroughTheFixtureServer() async throws {
        let env = try TestEnv.required()
        let server = try await env.startFixtureServer()
        try await env.run(Scenario("session round trip") {
            HTTP("POST", "/sessions", json: ["tenant": "shop", "user": "alice", "key": "cart-1", "flow_id": "checkout"], capture: "stored")
            Assert("${stored.cursor.flow_id}", equals: "checkout")
            HTTP("GET", "/sessions?tenant=shop&user=alice", capture: "listed")
            Assert("${listed.count}", equals: 1)
            HTTP("POST", "/sessions", json: ["tenant": "bad tenant", "user": "alice"], status: 400)
        }, serverURL: server.baseURL)
    }

    /// The fixture server as a process: this package never builds the kit's executable itself,
    /// so the first start finds it or builds it once (`GreenticBinaries`).
    @Test(.testEnv())
    func theFixtureServerRunsAsAProcessWithoutBuildingItFirst() async throws {
        let env = try TestEnv.required()
        let server = try await env.start(.fixtureServer())
        let port = try #require(server.capture("port"))
        try await env.run(Scenario("health of the process") {
            HTTP("GET", "/healthz", capture: "health")
        }, serverURL: "http://127.0.0.1:\(port)")
    }
}
