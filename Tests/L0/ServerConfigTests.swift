import Foundation
import GreenticFixtureServer
import GreenticTestKit
import Testing

/// The fixture server's configuration: one place for defaults, a summary that keeps sub-second
/// values and no secrets, and clear errors for values it cannot use.
@Suite("Fixture server config")
struct ServerConfigTests {
    func config(_ overlay: JSONValue) throws -> ServerConfig {
        try ServerConfig(merged: ConfigLayers.merge(ServerConfig.defaultLayer, overlay), workingDirectory: "/srv")
    }

    @Test func theTypesDefaultsAreTheConfigDefaults() throws {
        let defaults = try config([:])
        #expect(defaults.http == HTTPLimits())
        #expect(defaults.webchat == WebChatConfig())
        #expect(defaults.sessionBackend == .file)
        #expect(defaults.defaultPlanTenant == "dev")
    }

    @Test func emptyValuesOfKeysThatNeedOneFallBackToTheDefault() throws {
        let c = try config(["webchat": ["issuer": "", "audience": " "], "packs": ["default_tenant": ""]])
        #expect(c.webchat.issuer == WebChatConfig().issuer)
        #expect(c.webchat.audience == WebChatConfig().audience)
        #expect(c.defaultPlanTenant == "dev")
    }

    /// The kit's HTTP client retires an idle connection before the server's default would
    /// close it, so no request is written onto a connection being closed under it.
    @Test func theClientLetsGoOfIdleConnectionsBeforeTheServerCloses() throws {
        let defaults = try ServerConfig.load(environment: [:], workingDirectory: NSTemporaryDirectory())
        #expect(SharedHTTPClient.idleTimeout < defaults.http.idleTimeout)
        #expect(SharedHTTPClient.idleTimeout * 2 <= HTTPLimits().idleTimeout)
    }

    @Test func theSummaryKeepsSubSecondValues() throws {
        var c = try config([:])
        c.http.headerTimeout = .milliseconds(1_500)
        c.runnerTimeout = .milliseconds(2_500)
        let summary = c.summaryJSON
        // The summary once cut these to whole seconds (1) and whole milliseconds.
        #expect(summary.value(atPath: "server.header_timeout_secs") == .number(1.5))
        #expect(summary.value(atPath: "runner.timeout_ms") == .number(2_500))
        #expect(summary.value(atPath: "server.max_connections") == .number(4096))
        #expect(summary.value(atPath: "webchat.max_activity_bytes") == .number(65_536))
    }

    @Test func theSummaryHoldsNoSecret() throws {
        let c = try config(["server": ["auth_token": "admin-token-123"], "webchat": ["signing_key": "0123456789abcdef-secret"],
                            "stores": ["session": ["backend": "redis", "redis_url": "redis://:hunter2@127.0.0.1:6379/0"]]])
        let text = JSONWriter.compact(c.summaryJSON)
        for secret in ["admin-token-123", "0123456789abcdef-secret", "hunter2"] { #expect(!text.contains(secret), "\(text)") }
        #expect(c.summaryJSON.value(atPath: "webchat.signing_key") == "(set)")
        #expect(c.summaryJSON.value(atPath: "stores.session.backend") == "redis")
    }

    @Test func aNumberTooLargeForAnIntegerIsAnError() {
        // It once trapped converting 1e300 to Int.
        #expect(throws: ConfigError.self) { try config(["server": ["max_body_bytes": .number(1e300)]]) }
        #expect(throws: ConfigError.self) { try config(["server": ["max_body_bytes": .number(-1)]]) }
    }

    @Test func anUnknownBackendNamesTheKnownOnes() {
        #expect {
            try config(["stores": ["session": ["backend": "mongo"]]])
        } throws: { error in
            "\(error)".contains("'mongo' is not memory, file or redis")
        }
    }
}

@Suite("Fixture server config values")
struct ConfigValueTests {
    @Test(arguments: ["127.0.0.1:8080", "0.0.0.0:0", "[::1]:9000", "::1:80"])
    func listenAddressesParse(_ text: String) throws {
        _ = try ListenAddress(parsing: text)
    }

    @Test(arguments: ["localhost:8080", "127.0.0.1", "127.0.0.1:99999", "1.2.3:80", ":80"])
    func listenAddressesRejected(_ text: String) {
        #expect(throws: ConfigError.self) { try ListenAddress(parsing: text) }
    }

    @Test func configValidatesBackendsAndDefaults() throws {
        let wd = "/srv/work"
        let defaults = try ServerConfig.load(environment: [:], workingDirectory: wd)
        #expect(defaults.listenAddress == "127.0.0.1:8080")
        #expect(defaults.packsRoot == "/srv/work/Packs")
        #expect(defaults.sessionFile == "/srv/work/.data/sessions.json")
        #expect(defaults.sessionBackend == .file)
        #expect(defaults.runnerURL == nil && defaults.defaults == TenantDefaults())
        let env = try ServerConfig.load(environment: ["GREENTIC_RUNNER_URL": "http://r:1", "GREENTIC_STORES__SESSION__BACKEND": "MEMORY",
                                                      "GREENTIC_PACKS__ROOT": "/abs/packs"], workingDirectory: wd)
        #expect(env.runnerURL == "http://r:1" && env.sessionBackend == .memory && env.packsRoot == "/abs/packs")
        #expect(throws: ConfigError.self) { try ServerConfig.load(environment: ["GREENTIC_STORES__SESSION__BACKEND": "redis"], workingDirectory: wd) }
        #expect(throws: ConfigError.self) { try ServerConfig.load(environment: ["GREENTIC_STORES__SESSION__BACKEND": "mongo"], workingDirectory: wd) }
        #expect(throws: ConfigError.self) { try ServerConfig.load(environment: ["GREENTIC_DEFAULTS__TENANT": "a b"], workingDirectory: wd) }
        #expect(throws: ConfigError.self) { try ServerConfig.load(environment: ["GREENTIC_SERVER__LISTEN_ADDR": "localhost:1"], workingDirectory: wd) }
        #expect(throws: ConfigError.self) { try ServerConfig.load(configFile: "/nonexistent.toml", environment: [:], workingDirectory: wd) }
    }
}
