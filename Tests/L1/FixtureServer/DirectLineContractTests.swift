import Foundation
import GreenticFixtureServer
import GreenticTestKit
import GreenticTestKitTesting
import ScenarioDSL
import Simulators
import TestSupport
import Testing

/// The fixture server bridged to the runner simulator (real flows answer the messages).
func startWebChatBackend(_ env: TestEnv, environment: [String: String] = [:]) async throws -> ServerHarness.Started {
    let runner = try await startRunnerSimHTTP(env)
    return try await ServerHarness.start(env, packs: Paths.packageRoot.appendingPathComponent("Packs"),
                                         environment: ["GREENTIC_RUNNER_URL": runner].merging(environment) { _, new in new })
}

@Suite("Direct Line contract over real HTTP and WebSocket", .tags(.server, .simulators))
struct DirectLineContractTests {
    @Test(.requires(infra: [.nats]), .testEnv(infra: [.nats]), arguments: DirectLineContract.Check.allCases)
    func contractCheckPasses(_ check: DirectLineContract.Check) async throws {
        let env = try TestEnv.required()
        let server = try await startWebChatBackend(env)
        let observed = try await DirectLineContract(base: server.client.base, message: "status of ledger-api").run(check)
        // Bot replies are the runner's: the repo assistant flow computed them from the message.
        #expect(observed.botReplies.allSatisfy { $0 == "ledger-api: no failing builds known to the assistant." }, "\(observed.botReplies)")
        if check == .activities || check == .stream { #expect(observed.botReplies.count == 1) }
    }

    @Test(.requires(infra: [.nats]), .testEnv(infra: [.nats]))
    func conversationRunsTheFlowAndKeepsABoundedHistory() async throws {
        let env = try TestEnv.required()
        let server = try await startWebChatBackend(env, environment: ["GREENTIC_WEBCHAT__MAX_ACTIVITIES": "3",
                                                                      "GREENTIC_WEBCHAT__SIGNING_KEY": "a-signing-key-of-32-bytes-length"])
        let c = server.client
        let issued = try #require(try await c.post("/v3/directline/tokens/generate?tenant=acme&team=platform", json: ["user": ["id": "u-9"]]).json)
        let claims = try #require(DirectLineContract.claims(of: issued["token"]!.stringValue!))
        #expect(claims["iss"] == "greentic.webchat" && claims["aud"] == "directline" && claims.value(atPath: "ctx.tenant") == "acme")
        #expect(claims.value(atPath: "ctx.team") == "platform" && claims["sub"] == "u-9")
        let started = try await c.send(.POST, "/v3/directline/conversations", body: Data("{}".utf8),
                                       headers: [("Authorization", "Bearer \(issued["token"]!.stringValue!)")])
        #expect(started.status == 201)
        let id = try #require(started.json?["conversationId"]?.stringValue)
        let token = try #require(started.json?["token"]?.stringValue)
        let auth = [("Authorization", "Bearer \(token)")]
        let rebuild = try await c.send(.POST, "/v3/directline/conversations/\(id)/activities",
                                       body: Data(#"{"type":"message","text":"please rebuild billing-api"}"#.utf8), headers: auth)
        #expect(rebuild.status == 201, "\(rebuild.text)")
        let page = try #require(try await c.send(.GET, "/v3/directline/conversations/\(id)/activities", headers: auth).json)
        #expect(page.value(atPath: "activities.1.text") == "Rebuild of billing-api requested.")
        #expect(page.value(atPath: "activities.1.from.role") == "bot")
        #expect(page["watermark"] == "2")
        // The runner event log shows the activity went through the bridge, with the token's tenant.
        let events = try #require(try await c.get("/runner/events").json?.arrayValue)
        #expect(events.last?["tenant"] == "acme" && events.last?["user"] == "u-9" && events.last?.value(atPath: "payload.session_id") == .string(id))

        _ = try await c.send(.POST, "/v3/directline/conversations/\(id)/activities", body: Data(#"{"text":"status of a"}"#.utf8), headers: auth)
        let bounded = try #require(try await c.send(.GET, "/v3/directline/conversations/\(id)/activities", headers: auth).json)
        #expect(bounded["activities"]?.arrayValue?.count == 3, "history is bounded")
        #expect(bounded["watermark"] == "4")
        #expect(bounded.value(atPath: "activities.0.watermark") == "2", "trimming does not renumber")
        let after = try #require(try await c.send(.GET, "/v3/directline/conversations/\(id)/activities?watermark=3", headers: auth).json)
        #expect(after["activities"]?.arrayValue?.map { $0["watermark"] } == ["4"])

        // The page is served, without anything from outside.
        let page2 = try await c.get("/webchat/")
        #expect(page2.status == 200 && page2.header("Content-Type")?.hasPrefix("text/html") == true)
        #expect(page2.text.contains("/v3/directline") && !page2.text.contains("https://"))
        #expect(page2.text.contains(#"["status of web-app","please rebuild web-app"]"#))
    }

    @Test(.requires(infra: [.nats]), .testEnv(infra: [.nats]))
    func cliContractPassesHereAndFailsAgainstABackendWithoutDirectLine() async throws {
        let env = try TestEnv.required()
        let server = try await startWebChatBackend(env)
        let ok = try await CommandRunner.run(Paths.cli.path, ["webchat", "contract", "--base", server.client.base], timeout: .seconds(60))
        #expect(ok.status == 0, "\(ok.stderr)")
        #expect(ok.stdout.split(separator: "\n").map(String.init) == DirectLineContract.Check.allCases.map { "ok \($0)" })
        let runner = try #require(env.services.first { $0.name == "runner-sim" })
        let bad = try await CommandRunner.run(Paths.cli.path, ["webchat", "contract", "--base", "http://127.0.0.1:\(runner.capture("port")!)"],
                                              timeout: .seconds(30))
        #expect(bad.status == 1)
        #expect(bad.stderr.contains("webchat contract: tokens: POST /v3/directline/tokens/generate: expected status 200, got 404"), "\(bad.stderr)")
        #expect(bad.stdout.isEmpty)
        let usage = try await CommandRunner.run(Paths.cli.path, ["webchat", "contract", "--base", "ftp://x"], timeout: .seconds(30))
        #expect(usage.status == 2 && usage.stderr.contains("--base must be an http(s) URL"))
    }
}
