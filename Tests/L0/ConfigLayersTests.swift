import Foundation
import TestSupport
import GreenticTestKit
import Testing

@Suite("Config layers and secrets")
struct ConfigLayersTests {
    func layers(env: [String: String], cli: JSONValue?) throws -> ConfigLayers {
        let dir = Paths.fixtures.appendingPathComponent("config/precedence")
        return ConfigLayers(
            defaults: ["source": "defaults", "server": ["listen_addr": "127.0.0.1:8080", "workers": 1], "secrets": [:]],
            user: try ConfigLoader.load(file: dir.appendingPathComponent("user.toml")),
            project: try ConfigLoader.load(file: dir.appendingPathComponent("project.toml")),
            env: ConfigLoader.environmentLayer(env),
            cli: cli)
    }

    @Test func precedenceDefaultsUserProjectEnvCli() throws {
        let merged = try layers(env: [:], cli: nil).merged()
        #expect(merged["source"] == "project")
        #expect(merged.value(atPath: "secrets.API_TOKEN") == "project-token")
        #expect(merged.value(atPath: "secrets.WEBHOOK_SECRET") == "user-webhook")
        #expect(merged.value(atPath: "server.listen_addr") == "127.0.0.1:7000")
        #expect(merged.value(atPath: "server.workers") == 4)
        #expect(merged["region"] == "eu-west")

        let env = ["GREENTIC_SOURCE": "env", "GREENTIC_SERVER__WORKERS": "8", "GREENTIC_SECRETS__API_TOKEN": "env-token", "OTHER": "x"]
        let withEnv = try layers(env: env, cli: nil)
        #expect(withEnv.merged()["source"] == "env")
        #expect(withEnv.merged().value(atPath: "server.workers") == 8)
        #expect(withEnv.merged().value(atPath: "server.tags") == ["project", "ci"])
        #expect(withEnv.source(ofPath: "server.workers") == "env")

        let withCli = try layers(env: env, cli: ["source": "cli", "server": ["tags": ["only"]]])
        let merged2 = withCli.merged()
        #expect(merged2["source"] == "cli")
        #expect(merged2.value(atPath: "server.tags") == ["only"])
        // Environment names are lower-cased, as in the original: the env layer sets `api_token`.
        #expect(merged2.value(atPath: "secrets.api_token") == "env-token")
        #expect(merged2.value(atPath: "secrets.API_TOKEN") == "project-token")
        #expect(withCli.source(ofPath: "source") == "cli")
        #expect(withCli.source(ofPath: "region") == "user")
    }

    @Test func mergeReplacesArraysAndScalarsAndHonoursNull() {
        let merged = ConfigLayers.merge(["a": [1, 2], "b": ["c": 1, "d": 2], "e": 1], ["a": [3], "b": ["d": .null], "e": ["x": 1]])
        #expect(merged == ["a": [3], "b": ["c": 1, "d": .null], "e": ["x": 1]])
    }

    @Test func environmentLayerNestsAndParsesLeniently() {
        let layer = ConfigLoader.environmentLayer([
            "GREENTIC_SERVER__LISTEN_ADDR": "127.0.0.1:18080",
            "GREENTIC_STORES__SESSION__BACKEND": "redis",
            "GREENTIC_FLAG": "true",
            "GREENTIC_RATIO": "0.5",
            "GREENTIC_QUOTED": "\"42\"",
            "GREENTIC_": "ignored",
            "NOT_GREENTIC": "x",
        ])
        #expect(layer == [
            "server": ["listen_addr": "127.0.0.1:18080"],
            "stores": ["session": ["backend": "redis"]],
            "flag": true, "ratio": 0.5, "quoted": "42",
        ])
        #expect(ConfigLoader.environmentLayer(["PATH": "/bin"]) == nil)
    }

    @Test func jsonAndYamlFilesLoadToo() throws {
        let dir = try Paths.temporary()
        defer { try? FileManager.default.removeItem(at: dir) }
        try Data(#"{"server":{"workers":3}}"#.utf8).write(to: dir.appendingPathComponent("c.json"))
        try Data("server:\n  workers: 5\n  name: 'x'\n  on: true\n".utf8).write(to: dir.appendingPathComponent("c.yaml"))
        #expect(try ConfigLoader.load(file: dir.appendingPathComponent("c.json")).value(atPath: "server.workers") == 3)
        let yaml = try ConfigLoader.load(file: dir.appendingPathComponent("c.yaml"))
        #expect(yaml == ["server": ["workers": 5, "name": "x", "on": true]])
    }

    @Test func brokenTomlNamesFileAndLine() throws {
        let dir = try Paths.temporary()
        defer { try? FileManager.default.removeItem(at: dir) }
        let file = dir.appendingPathComponent("bad.toml")
        try Data("ok = 1\n[server\nx = 2\n".utf8).write(to: file)
        do {
            _ = try ConfigLoader.load(file: file)
            Issue.record("broken TOML accepted")
        } catch let error as ConfigError {
            let text = "\(error)"
            #expect(text.contains(file.path) && text.contains("line 2"), "\(text)")
        }
        #expect(throws: ConfigError.unreadable(path: dir.appendingPathComponent("absent.toml").path)) {
            try ConfigLoader.load(file: dir.appendingPathComponent("absent.toml"))
        }
    }

    @Test func secretRequirements() throws {
        let requirements = SecretRequirements(["API_TOKEN", "WEBHOOK_SECRET", "DB_PASSWORD"])
        let check = requirements.check(["API_TOKEN": "t", "WEBHOOK_SECRET": "   ", "OTHER": "x"])
        #expect(check.provided == ["API_TOKEN"])
        #expect(check.missing == ["WEBHOOK_SECRET", "DB_PASSWORD"])
        do {
            try requirements.require(["API_TOKEN": "t"])
            Issue.record("missing secrets not reported")
        } catch {
            #expect("\(error)".hasPrefix("missing secrets: WEBHOOK_SECRET, DB_PASSWORD."))
        }
        let merged = try layers(env: [:], cli: nil).merged()
        let secrets = (merged["secrets"]?.objectValue ?? [:]).compactMapValues(\.stringValue)
        #expect(throws: SecretError.missing(["API_KEY"])) { try SecretRequirements(["API_TOKEN", "API_KEY"]).require(secrets) }
        #expect(try SecretRequirements(["API_TOKEN"]).require(secrets).provided == ["API_TOKEN"])
    }
}
