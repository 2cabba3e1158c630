import Foundation
import GreenticFixtureServer
import GreenticTestKit
import GreenticTestKitTesting
import TestSupport
import Testing

/// A secret given through the environment, a config file and a tenant secrets file is used by
/// the fixture server, and no file of the test folder (logs, artifacts, env.json, timeline)
/// contains it afterwards.
@Suite("Secrets never reach the artifacts", .tags(.server))
struct SecretsNeverReachArtifactsTests {
    @Test(.testEnv())
    func secretsFromEveryPathStayOutOfTheTestFolder() async throws {
        let env = try TestEnv.required()
        let viaEnvironment = "sk-env-\(UUID().uuidString)"
        let viaConfig = "tok-config-\(UUID().uuidString)"
        let viaSecretsFile = "tenant-secret-\(UUID().uuidString)"
        let secretsFile = try env.writeTenantSecret(tenant: "acme", key: "api_key", value: viaSecretsFile)
        #expect(!secretsFile.path.hasPrefix(env.directory.root.path), "the secrets file lives outside the test folder")
        let config = env.secretsDirectory.appendingPathComponent("server.toml")
        try Data("[server]\nauth_token = \"\(viaConfig)\"\n".utf8).write(to: config)

        let server = try await ServerHarness.start(env, arguments: ["--config", config.path],
                                                   environment: ["GREENTIC_WEBCHAT__SIGNING_KEY": viaEnvironment, "API_KEY": viaSecretsFile])
        let c = server.client
        // Each secret is in use: the auth token guards writes, the signing key signs tokens.
        #expect(try await c.post("/sessions", json: ["tenant": "acme", "user": "u"]).status == 401)
        let allowed = try await c.send(.POST, "/sessions", body: Data(#"{"tenant":"acme","user":"u"}"#.utf8), headers: [("Authorization", "Bearer \(viaConfig)")])
        #expect(allowed.status == 200)
        let bad = try await c.send(.POST, "/sessions", body: Data(#"{"tenant":"acme","user":"u"}"#.utf8), headers: [("Authorization", "Bearer \(viaConfig)x")])
        #expect(bad.status == 401 && !bad.text.contains(viaConfig), "an error never echoes the token")
        let token = try #require(try await c.post("/v3/directline/tokens/generate", json: [:]).json?["token"]?.stringValue)
        #expect((try? DirectLineTokenSigner(secret: Array(viaEnvironment.utf8)).verify(token)) != nil, "tokens are signed with the key from the environment")
        env.log("server config: \(viaConfig.count) character token from \(config.lastPathComponent)")
        _ = await env.stop(server.process)
        env.refreshSnapshot()

        var scanned = 0
        for case let file as URL in FileManager.default.enumerator(at: env.directory.root, includingPropertiesForKeys: nil) ?? FileManager.DirectoryEnumerator() {
            guard let data = FileManager.default.contents(atPath: file.path) else { continue }
            scanned += 1
            for secret in [viaEnvironment, viaConfig, viaSecretsFile] {
                #expect(data.range(of: Data(secret.utf8)) == nil, "\(secret.prefix(8))… leaked into \(file.path)")
            }
        }
        #expect(scanned >= 4, "env.json, timeline, harness and server logs were scanned")
    }
}
