import Foundation
import GreenticFixtureServer
import GreenticTestKit
import GreenticTestKitTesting
import TestSupport
import Testing

@Suite("Fixture server in-process", .tags(.server))
struct InProcessServerTests {
    @Test(.testEnv())
    func startsOnAFreePortAndStopsWithTheEnvironment() async throws {
        let env = try TestEnv.required()
        let packs = env.directory.artifacts.appendingPathComponent("my-packs")
        try PackWriter.write(root: packs, id: "inproc")
        let server = try await env.startFixtureServer(packsRoot: packs) { $0.sessionBackend = .memory }
        #expect(server.port > 0)
        let client = HTTPTestClient(base: server.baseURL)
        let health = try #require(try await client.get("/healthz").json)
        #expect(health.value(atPath: "store.backend") == "memory")
        #expect(try await client.get("/packs").json?["count"] == 1)
        let second = try await env.startFixtureServer { $0.sessionBackend = .memory }
        #expect(second.port != server.port)
        #expect(try await HTTPTestClient(base: second.baseURL).get("/packs").json?["count"] == 0)
    }

    @Test func portInUseIsAnErrorNotAHang() async throws {
        let first = try await FixtureServer.start(state: FixtureServerState(config: try config("127.0.0.1:0")))
        try await withAsyncCleanup {
            do {
                let clash = try await FixtureServer.start(state: FixtureServerState(config: try config("127.0.0.1:\(first.port)")))
                await clash.stop()
                Issue.record("a second server bound the same port")
            } catch {
                #expect("\(error)".lowercased().contains("address"), "\(error)")
            }
        } cleanup: {
            await first.stop()
        }
    }

    func config(_ listen: String) throws -> ServerConfig {
        try ServerConfig.load(environment: [:], overrides: ["server": ["listen_addr": .string(listen)], "stores": ["session": ["backend": "memory"]],
                                                            "packs": ["root": "/nonexistent-packs"]])
    }
}
