import Foundation
import GreenticTestKit
import GreenticTestKitTesting
import TestSupport
import Testing

@Suite("greentic-integration CLI against a running server", .tags(.cli, .server))
struct CLIAgainstServerTests {
    func cli(_ args: [String], env: [String: String] = [:], cwd: URL? = nil) async throws -> CommandRunner.Output {
        var environment = ProcessInfo.processInfo.environment
        environment.merge(env) { _, new in new }
        return try await CommandRunner.run(Paths.cli.path, args, environment: environment, workingDirectory: cwd, timeout: .seconds(60))
    }

    @Test(.testEnv())
    func sessionsRunnerAndPacksCommands() async throws {
        let env = try TestEnv.required()
        let server = try await ServerHarness.start(env)
        let url = server.client.base
        _ = try await server.client.post("/sessions", json: ["tenant": "acme", "user": "u-1", "key": "k1", "flow_id": "menu", "node_id": "ask"])

        let list = try await cli(["sessions", "list", "--tenant", "acme", "--server", url])
        #expect(list.status == 0, "\(list.stderr)")
        #expect(list.stdout == "1 session(s):\n- key=k1 tenant=acme team=None user=Some(\"u-1\") flow=Some(\"menu\") node=Some(\"ask\")\n")
        let listJSON = try await cli(["sessions", "list", "--json", "--server", url])
        #expect(try JSONValue.parse(listJSON.stdout)["count"] == 1)
        let encoded = try await cli(["sessions", "list", "--tenant", "a&b=c", "--server", url])
        #expect(encoded.status != 0 && encoded.stderr.contains("must match [A-Za-z0-9._-]+"), "query values are URL-encoded, so the server sees the whole value")

        let resume = try await cli(["sessions", "resume", "--tenant", "acme", "--user", "u-1", "--payload", #"{"choice":"About"}"#, "--server", url])
        #expect(resume.status == 0, "\(resume.stderr)")
        #expect(resume.stdout == "Resumed flow menu for tenant=Some(\"acme\") user=Some(\"u-1\"); result={\"echo\":{\"choice\":\"About\"},\"flow\":\"menu\",\"status\":\"ok\"}\n")
        let again = try await cli(["sessions", "resume", "--tenant", "acme", "--user", "u-1", "--server", url])
        #expect(again.status == 1)
        #expect(again.stderr.contains("failed with 404") && again.stderr.split(separator: "\n").count == 1, "\(again.stderr)")
        let badPayload = try await cli(["sessions", "resume", "--user", "u", "--payload", "{", "--server", url])
        #expect(badPayload.status == 1 && badPayload.stderr.contains("invalid JSON payload for session resume"))

        let emit = try await cli(["runner", "emit", "--flow", "build", "--tenant", "acme", "--payload", "[1]", "--server", url])
        #expect(emit.stdout == "Server runner emit result -> tenant=Some(\"acme\") team=None user=None result={\"echo\":[1],\"flow\":\"build\",\"status\":\"ok\"}\n")
        let events = try await cli(["runner", "events", "--server", url])
        #expect(events.stdout.split(separator: "\n").count == 2)
        #expect(events.stdout.contains("flow=build tenant=Some(\"acme\") team=None user=None payload=[1] result="))
        let clear = try await cli(["runner", "clear", "--server", url])
        #expect(clear.stdout == "Cleared runner events on \(url)\n")
        #expect(try await cli(["runner", "events", "--server", url]).stdout == "No runner events recorded.\n")

        let reload = try await cli(["packs", "reload", "--server", url])
        #expect(reload.stdout.hasPrefix("Server reload succeeded: {\"count\":3,"))
        let down = try await cli(["runner", "events", "--server", "http://127.0.0.1:9"])
        #expect(down.status == 1 && down.stderr.contains("failed to GET http://127.0.0.1:9/runner/events"))
    }

    @Test(.testEnv())
    func localPackCommandsAndPlan() async throws {
        let env = try TestEnv.required()
        let packs = env.directory.artifacts.appendingPathComponent("packs")
        try PackWriter.write(root: packs, id: "zeta", name: "Zeta Pack", type: "menu")
        try PackWriter.write(root: packs, id: "alpha", name: "Alpha Pack", kind: "deployment", type: "deployment")
        let xdg = ["XDG_CONFIG_HOME": env.directory.artifacts.path]

        let list = try await cli(["packs", "list", "--packs", packs.path], env: xdg)
        #expect(list.stdout == """
        Discovered 2 pack(s):
        - alpha (Alpha Pack) [deployment] @ \(packs.path)/alpha
        - zeta (Zeta Pack) [application] @ \(packs.path)/zeta

        """)
        let tenantList = try await cli(["packs", "list", "--packs", packs.path, "--tenant", "dev"], env: xdg)
        #expect(tenantList.stdout.hasPrefix("No overrides matched; showing all packs.\nMissing overrides: dev\nDiscovered 2 pack(s):"))

        let plan = try await cli(["packs", "plan", "--packs", packs.path, "--pack-id", "zeta"], env: xdg)
        #expect(plan.status == 0, "\(plan.stderr)")
        #expect(plan.stdout == #"{"pack_id":"zeta","pack_version":"1.0.0","tenant":"dev","environment":"dev","runners":[{"name":"zeta-runner","replicas":1,"capabilities":null}],"messaging":{"logical_cluster":"default","subjects":[{"name":"greet","purpose":"menu","durable":true,"extra":null}],"extra":null},"channels":[{"name":"greet","flow_id":"greet","kind":"menu","config":null}],"secrets":[],"oauth":[],"telemetry":{"required":true,"extra":null},"extra":{"pack_kind":"application","pack_name":"Zeta Pack"}}"# + "\n")
        // With every log level on, stdout still holds the plan alone: logs go to stderr.
        let noisy = try await cli(["packs", "plan", "--packs", packs.path, "--pack-id", "zeta"], env: xdg.merging(["GREENTIC_LOG": "trace"]) { _, b in b })
        #expect(noisy.status == 0 && noisy.stdout == plan.stdout, "logs stay off stdout: \(noisy.stdout)")
        let first = try await cli(["packs", "plan", "--packs", packs.path, "--tenant", "acme", "--environment", "prod", "--pretty"], env: xdg)
        let firstPlan = try JSONValue.parse(first.stdout)
        #expect(firstPlan["pack_id"] == "alpha", "deterministic: first pack by id")
        #expect(firstPlan["tenant"] == "acme" && firstPlan["environment"] == "prod")
        let missing = try await cli(["packs", "plan", "--packs", packs.path, "--pack-id", "nope"], env: xdg)
        #expect(missing.status == 1 && missing.stderr.contains("pack id nope not found in index"))

        let valid = try await cli(["packs", "validate", "--packs", packs.path], env: xdg)
        #expect(valid.status == 0 && valid.stdout == "Validated 2 pack(s) successfully.\n", "\(valid.stderr)")
        try Data("{".utf8).write(to: packs.appendingPathComponent("zeta/pack.json"))
        let invalid = try await cli(["packs", "validate", "--packs", packs.path], env: xdg)
        #expect(invalid.status == 1)
        #expect(invalid.stderr.contains("[error] \(packs.path)/zeta/pack.json: invalid JSON"))
        let reload = try await cli(["packs", "reload", "--packs", packs.path], env: xdg)
        #expect(reload.status == 1 && reload.stderr.contains("invalid pack manifest \(packs.path)/zeta/pack.json"))
    }

    @Test(.testEnv())
    func runnerEmitWithoutServerDoesRealWork() async throws {
        let env = try TestEnv.required()
        let out = try await cli(["runner", "emit", "--flow", "hello", "--tenant", "acme", "--user", "u1", "--payload", #"{"text":"hi"}"#],
                                env: ["XDG_CONFIG_HOME": env.directory.artifacts.path], cwd: env.directory.artifacts)
        #expect(out.status == 0, "\(out.stderr)")
        let event = try JSONValue.parse(out.stdout)
        #expect(event["result"] == ["echo": ["text": "hi"], "flow": "hello", "status": "ok"])
        #expect(event["tenant"] == "acme" && event["user"] == "u1")
        let unreachable = try await cli(["runner", "emit", "--flow", "hello"],
                                        env: ["XDG_CONFIG_HOME": env.directory.artifacts.path, "GREENTIC_RUNNER_URL": "http://127.0.0.1:9"],
                                        cwd: env.directory.artifacts)
        #expect(unreachable.status == 1 && unreachable.stderr.contains("runner at http://127.0.0.1:9/runner/activity is unreachable"))
    }

    @Test(.testEnv())
    func purgeSharesTheFileWithARunningServer() async throws {
        let env = try TestEnv.required()
        let server = try await ServerHarness.start(env)
        for i in 0..<5 { _ = try await server.client.post("/sessions", json: ["tenant": "acme", "user": .string("u\(i)")]) }
        _ = try await server.client.post("/sessions", json: ["tenant": "beta", "user": "u0"])
        let shared = ["XDG_CONFIG_HOME": env.directory.artifacts.path, "GREENTIC_STORES__SESSION__FILE_PATH": server.sessionFile.path]
        let refused = try await cli(["sessions", "purge"], env: shared)
        #expect(refused.status == 1 && refused.stderr.contains("refusing to delete every session"))
        let purge = try await cli(["sessions", "purge", "--tenant", "acme"], env: shared)
        #expect(purge.status == 0 && purge.stdout == "Removed 5 session(s).\n", "\(purge.stderr)")
        let remaining = try #require(try await server.client.get("/sessions").json)
        #expect(remaining["count"] == 1, "the server sees the CLI's purge")
        _ = try await server.client.post("/sessions", json: ["tenant": "gamma", "user": "u1"])
        #expect(try await server.client.get("/sessions").json?["count"] == 2, "and the server's next write does not resurrect purged sessions")
    }
}
