import Foundation
import GreenticFixtureServer
import GreenticTestKit
import Hummingbird
import HummingbirdTesting
import TestSupport

/// The fixture server's routes in process, through Hummingbird's router test framework (no
/// socket, no process): the same router, middleware and state the server runs, with packs
/// written into a temporary folder and sessions in memory. Calls look like `HTTPTestClient`'s,
/// so a route test reads the same in L0 and L1.
struct RouterTestClient: Sendable {
    let client: any TestClientProtocol
    let state: FixtureServerState
    /// The packs root the server indexes (three packs: `acme`, `alpha-pack`, `zeta-pack`).
    let packs: URL

    /// Runs `body` against a fresh server state; `environment` holds `GREENTIC_*` overrides and
    /// `configure` adjusts the loaded configuration.
    static func run(environment: [String: String] = [:], configure: (inout ServerConfig) -> Void = { _ in },
                    _ body: @Sendable (RouterTestClient) async throws -> Void) async throws {
        let packs = try Paths.temporary("routes")
        defer { try? FileManager.default.removeItem(at: packs) }
        try PackWriter.write(root: packs, id: "zeta-pack", name: "Zeta")
        try PackWriter.write(root: packs, id: "alpha-pack", name: "Alpha", kind: nil)
        try PackWriter.write(root: packs, id: "acme", name: "Acme override")
        var values = ["GREENTIC_STORES__SESSION__BACKEND": "memory", "GREENTIC_PACKS__ROOT": packs.path]
        values.merge(environment) { _, new in new }
        var config = try ServerConfig.load(environment: values, workingDirectory: packs.path)
        configure(&config)
        let state = try FixtureServerState(config: config)
        let app = Application(router: FixtureServer.router(state: state))
        try await app.test(.router) { client in try await body(RouterTestClient(client: client, state: state, packs: packs)) }
    }

    func send(_ method: HTTPRequest.Method, _ path: String, body: Data? = nil, contentType: String? = "application/json",
              headers: [(String, String)] = []) async throws -> HTTPResult {
        var fields = HTTPFields()
        if body != nil, let contentType { fields[.contentType] = contentType }
        for (name, value) in headers {
            guard let field = HTTPFields.Element.Name(name) else { throw RouterTestClientError.invalidHeaderName(name) }
            fields.append(HTTPFields.Element(name: field, value: value))
        }
        let response = try await client.executeRequest(uri: path, method: method, headers: fields, body: body.map { ByteBuffer(bytes: $0) })
        return HTTPResult(status: Int(response.status.code), headers: response.headers.map { ($0.name.rawName, $0.value) },
                          body: Data(response.body.readableBytesView))
    }

    func get(_ path: String) async throws -> HTTPResult { try await send(.get, path) }
    func delete(_ path: String, json: JSONValue? = nil) async throws -> HTTPResult {
        try await send(.delete, path, body: json.map { Data(JSONWriter.compact($0).utf8) }, contentType: json == nil ? nil : "application/json")
    }
    func post(_ path: String, json: JSONValue? = nil) async throws -> HTTPResult {
        try await send(.post, path, body: json.map { Data(JSONWriter.compact($0).utf8) })
    }
    func post(_ path: String, raw: String, contentType: String?) async throws -> HTTPResult {
        try await send(.post, path, body: Data(raw.utf8), contentType: contentType)
    }
}

/// A header a test passed that HTTP does not allow as a name.
enum RouterTestClientError: Error {
    case invalidHeaderName(String)
}
