@testable import GreenticFixtureServer
import GreenticTestKit
import TestSupport

extension HTTPTestClient {
    /// A client of a fixture server started in `env` with in-memory sessions, its
    /// configuration adjusted by `configure` first.
    static func fixtureServer(in env: TestEnv, _ configure: (inout ServerConfig) -> Void = { _ in }) async throws -> HTTPTestClient {
        let server = try await env.startFixtureServer {
            $0.sessionBackend = .memory
            configure(&$0)
        }
        return HTTPTestClient(base: server.baseURL)
    }
}
