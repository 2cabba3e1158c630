import Foundation
import GreenticFixtureServer
import GreenticTestKit
import GreenticTestKitTesting
import ScenarioDSL
import Testing

/// Swift Testing: the fixture server's session API driven over HTTP, in process and as a
/// process. (A service driven through NATS with the scenario DSL is the README's sample, which
/// DocSamples.swift compiles and runs here.)
@Suite("Downstream: the kit from another package")
struct OrderServiceTests {
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
