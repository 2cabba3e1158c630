import Foundation
import GreenticFixtureServer
import GreenticSessions
import GreenticTestKit
import GreenticTestKitTesting
import ScenarioDSL
import Simulators
import TestSupport
import Testing

/// The simulator's scope on the test's NATS: `--env` the test's Greentic env, and its event topics
/// and dead letters behind `<env>.` (or `topicPrefix`), so the test sees only its own traffic
/// on a shared server.
func runnerSimScope(_ env: TestEnv, topicPrefix: String? = nil) -> [String] {
    ["--env", env.greenticEnv, "--topic-prefix", topicPrefix ?? env.greenticEnv]
}

/// Starts `greentic-integration runner-sim` with its HTTP surface; returns its base URL.
func startRunnerSimHTTP(_ env: TestEnv, arguments: [String] = []) async throws -> String {
    let sim = try await env.start(ServiceSpec(
        name: "runner-sim", executable: GreenticBinaries.integrationCLI(),
        arguments: ["runner-sim", "--nats", try env.natsURL(), "--packs", Paths.packageRoot.appendingPathComponent("Packs").path] + runnerSimScope(env) + [
                    "--listen", "127.0.0.1:0", "--backoff-ms", "10"] + arguments,
        readiness: .all([.logLine(#"runner-sim http listening on http://127\.0\.0\.1:(?<port>\d+)"#),
                         .http(url: "http://127.0.0.1:${port}/healthz", status: 200)])))
    return "http://127.0.0.1:\(sim.capture("port")!)"
}

@Suite("Runner simulator: sessions, state, webchat ingress and fault knobs", .tags(.simulators, .nats))
struct RunnerSimSessionTests {
    @Test(.requires(infra: [.nats]), .testEnv(infra: [.nats]))
    func waitingFlowIsStoredAndTheUsersNextMessageResumesIt() async throws {
        let env = try TestEnv.required()
        let sessions = env.directory.artifacts.appendingPathComponent("sessions.json")
        let runner = HTTPTestClient(base: try await startRunnerSimHTTP(env, arguments: ["--sessions", "file:\(sessions.path)"]))
        let started = try await runner.post("/runner/activity", json: [
            "flow": "helpdesk_ticket", "tenant": "acme", "team": "platform", "user": "u-17",
            "payload": ["text": "cannot print", "session_id": "conv-88"],
        ])
        #expect(started.status == 200, "\(started.text)")
        #expect(started.json?["status"] == "waiting" && started.json?.value(atPath: "waiting.node") == "ask_system")
        #expect(started.json?.value(atPath: "replies.0.text") == "Which system is affected by \"cannot print\"?")
        #expect(started.json?.value(atPath: "replies.0.attachments.0.content.actions.0.data.text") == "printer-3")

        // The session is in the same file a fixture server would read.
        let store = try FileSessionStore(path: sessions.path)
        let stored = try #require(try await store.find(SessionFilter(tenant: "acme", user: "u-17")))
        #expect(stored.key == "conv-88" && stored.flowID == "helpdesk_ticket" && stored.nodeID == "ask_system" && stored.team == "platform")
        #expect(stored.context["summary"] == "cannot print")

        var message = try Fixture(root: Paths.fixtures).json("inputs/channel_message.json").objectValue!
        message["text"] = "printer-3"
        try await env.run(Scenario("next message resumes the waiting flow") {
            Expect(subject: "greentic.messaging.egress.\(env.greenticEnv).acme.platform.webchat", count: 1) {
                $0.json("text", equals: "Ticket opened for printer-3: cannot print").json("channel", equals: "conv-88")
            }
            Expect(subject: "\(env.greenticEnv).greentic.helpdesk.ticket.opened", count: 1) { $0.header("Greentic-Tenant", equals: "acme") }
            Publish(subject: "greentic.messaging.ingress.\(env.greenticEnv).acme.platform.webchat", json: .object(message))
        })
        #expect(try await store.find(SessionFilter(tenant: "acme", user: "u-17")) == nil, "a finished flow clears its session")
        let health = try #require(try await runner.get("/healthz").json)
        #expect(health["waiting"] == 1 && health["resumed"] == 1 && health["sessions"] == "file")
        let state = try #require(try await runner.get("/runner/state?tenant=acme").json)
        #expect(state.value(atPath: "entries.0.key") == "pack/integration-demos/flow/helpdesk_ticket/session/conv-88")
        #expect(state.value(atPath: "entries.0.value.waiting_at") == .null, "the last turn finished")
        #expect(try await runner.get("/runner/state").status == 400)
    }

    @Test(.requires(infra: [.nats]), .testEnv(infra: [.nats]))
    func webchatActivitiesAreValidatedDeduplicatedAndAnswered() async throws {
        let env = try TestEnv.required()
        let runner = HTTPTestClient(base: try await startRunnerSimHTTP(env))
        let nats = try await NATSClient.connect(url: try env.natsURL())
        let egress = try await nats.subscribe("greentic.messaging.egress.\(env.greenticEnv).>")
        try await nats.flush()
        let activity: JSONValue = ["type": "message", "id": "a-1", "from": ["id": "u-5"], "conversation": ["id": "c-1"],
                                   "text": "status of billing", "channelData": ["tenant": "globex"]]
        let answered = try await runner.post("/webchat/activities", json: activity)
        #expect(answered.status == 202, "\(answered.text)")
        #expect(answered.json?.value(atPath: "replies.0") == "billing: no failing builds known to the assistant.")
        let reply = try #require(await egress.next(timeout: .seconds(2)))
        #expect(reply.subject == "greentic.messaging.egress.\(env.greenticEnv).globex.default.webchat" && reply.headers?["Greentic-Correlation-Id"] == "c-1")
        let again = try await runner.post("/webchat/activities", json: activity)
        #expect(again.status == 202 && again.json?["duplicate"] == true)
        #expect(await egress.next(timeout: .milliseconds(300)) == nil, "a duplicate runs nothing")

        var noFrom = activity.objectValue!
        noFrom["from"] = nil
        #expect(try await runner.post("/webchat/activities", json: .object(noFrom)).errorCode == "missing_from")
        var noConversation = activity.objectValue!
        noConversation["conversation"] = nil
        noConversation["id"] = "a-2"
        #expect(try await runner.post("/webchat/activities", json: .object(noConversation)).status == 400)
        #expect(try await runner.post("/webchat/activities", raw: "{oops", contentType: "application/json").status == 400)
        await nats.close()
    }

    @Test(.requires(infra: [.nats]), .testEnv(infra: [.nats]))
    func faultRouteRetriesWithGrowingBackoffAndLogsEveryAttempt() async throws {
        let env = try TestEnv.required()
        let attempts = env.directory.artifacts.appendingPathComponent("attempts.jsonl")
        let runner = HTTPTestClient(base: try await startRunnerSimHTTP(env, arguments: ["--attempt-log", attempts.path]))
        let set = try await runner.post("/runner/faults", json: ["fail": ["demo.worker.repo_assistant": 2]])
        #expect(set.json?["fail"]?["demo.worker.repo_assistant"] == 2)
        let answered = try await runner.post("/webchat/activities", json: [
            "id": "r-1", "from": ["id": "u-1"], "conversation": ["id": "c-9"], "text": "status of api", "channelData": ["tenant": "acme"],
        ])
        #expect(answered.status == 202, "\(answered.text)")
        let lines = try String(contentsOf: attempts, encoding: .utf8).split(separator: "\n").map { try JSONValue.parse(String($0)) }
        #expect(lines.map { $0["outcome"]?.stringValue } == ["failed", "failed", "ok"])
        #expect(lines.map { $0["attempt"] } == [1, 2, 3])
        #expect(Set(lines.compactMap { $0["trace_id"]?.stringValue }).count == 1, "one trace, three attempts")
        let delays = lines.compactMap { $0["backoff_ms"]?.doubleValue }
        #expect(delays.count == 2 && delays[0] >= 10 && delays[1] >= 20 && delays[1] > delays[0], "\(delays)")
        #expect(try await runner.get("/runner/faults").json?["fail"] == [:])
        #expect(try await runner.post("/runner/faults", json: ["fail": ["x": -1]]).errorCode == "invalid_faults")
        #expect(try await runner.post("/runner/faults", json: ["drop_nats": "yes"]).errorCode == "invalid_faults")
        #expect(try await runner.post("/runner/faults", json: ["latency_ms": "slow"]).status == 400)
        // A body with one bad member changes nothing, not even its good members.
        let mixed = try await runner.post("/runner/faults", json: ["fail": ["demo.worker.repo_assistant": 5], "latency_ms": "slow"])
        #expect(mixed.status == 400 && mixed.errorCode == "invalid_faults", "\(mixed.text)")
        let unknown = try await runner.post("/runner/faults", json: ["fail": ["demo.worker.repo_assistant": 5], "drop": true])
        #expect(unknown.errorCode == "invalid_faults" && unknown.text.contains("drop"), "\(unknown.text)")
        #expect(try await runner.get("/runner/faults").json?["fail"] == [:])
    }

    /// Every error is a JSON body, as the fixture server's are: unknown route, wrong method (with
    /// Allow), a body over the limit.
    @Test(.requires(infra: [.nats]), .testEnv(infra: [.nats]))
    func errorsAreJSONBodiesForRoutesMethodsAndSizes() async throws {
        let env = try TestEnv.required()
        let runner = HTTPTestClient(base: try await startRunnerSimHTTP(env))
        let missing = try await runner.get("/runner/nothing")
        #expect(missing.status == 404 && missing.errorCode == "not_found", "\(missing.text)")
        let method = try await runner.get("/runner/activity")
        #expect(method.status == 405 && method.errorCode == "method_not_allowed" && method.header("Allow") == "POST", "\(method.text)")
        let faultsMethod = try await runner.send(.DELETE, "/runner/faults")
        #expect(faultsMethod.status == 405 && faultsMethod.header("Allow") == "GET, POST", "\(faultsMethod.text)")
        let huge = try await runner.send(.POST, "/runner/activity", body: Data(repeating: UInt8(ascii: "a"), count: 2 << 20))
        #expect(huge.status == 413 && huge.errorCode == "body_too_large", "\(huge.status) \(huge.text)")
        // The body rules are the fixture server's (GreenticHTTP's RequestInput), not a looser copy.
        let untyped = try await runner.post("/runner/activity", raw: #"{"flow":"repo_assistant_chat"}"#, contentType: nil)
        #expect(untyped.status == 415 && untyped.errorCode == "unsupported_media_type", "\(untyped.status) \(untyped.text)")
        let malformed = try await runner.post("/runner/faults", raw: "{oops", contentType: "application/json")
        #expect(malformed.status == 400 && malformed.errorCode == "malformed_json", "\(malformed.text)")
        let array = try await runner.post("/webchat/activities", json: [1, 2])
        #expect(array.status == 422 && array.errorCode == "invalid_body", "\(array.text)")
        let repeated = try await runner.get("/runner/state?tenant=a&tenant=b")
        #expect(repeated.status == 400 && repeated.errorCode == "duplicate_query_parameter", "\(repeated.text)")
        let health = try await runner.get("/healthz")
        #expect(health.status == 200 && health.json?["handled"] == 0, "nothing was run by the refused requests")
    }
}

@Suite("Runner simulator: dropping its NATS connection", .tags(.simulators, .nats))
struct RunnerSimDropTests {
    @Test(.requires(infra: [.nats]), .testEnv(infra: [.nats]))
    func droppedConnectionReconnectsAndKeepsServing() async throws {
        let env = try TestEnv.required()
        let runner = HTTPTestClient(base: try await startRunnerSimHTTP(env))
        let dropped = try #require(try await runner.post("/runner/faults", json: ["drop_nats": true]).json)
        #expect(dropped["fail"] == [:])
        var message = try Fixture(root: Paths.fixtures).json("inputs/channel_message.json").objectValue!
        message["text"] = "status of after-drop"
        try await env.run(Scenario("served after the drop") {
            Expect(subject: "greentic.messaging.egress.\(env.greenticEnv).acme.platform.webchat", count: 1, within: .seconds(10)) {
                $0.json("text", equals: "after-drop: no failing builds known to the assistant.")
            }
            Eventually(within: .seconds(10)) {
                HTTP("GET", "${runner}/runner/faults", capture: "faults")
                Assert("${faults.nats_reconnects}", equals: 1)
            }
            Publish(subject: "greentic.messaging.ingress.\(env.greenticEnv).acme.platform.webchat", json: .object(message))
        }, variables: ["runner": .string(runner.base)])
    }
}

@Suite("Runner state stores keep each tenant's state apart", .tags(.simulators, .infra))
struct RunnerStateStoreTests {
    @Test(.requires(infra: [.redis, .postgres]), .testEnv(infra: [.redis, .postgres]))
    func everyBackendListsOnlyTheAskedTenant() async throws {
        let env = try TestEnv.required()
        for spec in ["memory", try env.redisURL(), try env.databaseURL()] {
            let store = try RunnerStateStores.make(spec)
            try await store.put(RunnerStateKey(env: env.greenticEnv, tenant: "alpha", team: "t1", key: "pack/p/flow/f/session/s1"), ["n": 1])
            try await store.put(RunnerStateKey(env: env.greenticEnv, tenant: "alpha", team: "t1", key: "pack/p/flow/f/session/s1"), ["n": 2])
            try await store.put(RunnerStateKey(env: env.greenticEnv, tenant: "alpha", team: "t0", key: "k'quote"), "x")
            try await store.put(RunnerStateKey(env: env.greenticEnv, tenant: "alphabet", team: "t1", key: "k"), "other tenant")
            try await store.put(RunnerStateKey(env: "\(env.greenticEnv)-prod", tenant: "alpha", team: "t1", key: "k"), "other env")
            try await store.put(RunnerStateKey(env: env.greenticEnv, tenant: "a*", team: "t1", key: "k"), "glob")
            let alpha = try await store.list(env: env.greenticEnv, tenant: "alpha")
            #expect(alpha.map(\.key.key) == ["k'quote", "pack/p/flow/f/session/s1"], "\(store.backendName)")
            #expect(alpha.map(\.value) == ["x", ["n": 2]], "\(store.backendName)")
            #expect(try await store.list(env: env.greenticEnv, tenant: "a*").map(\.value) == ["glob"], "\(store.backendName)")
            #expect(try await store.list(env: env.greenticEnv, tenant: "nobody").isEmpty)
            await store.close()
        }
        #expect(throws: SessionStoreError.self) { try RunnerStateStores.make("mysql://x") }
    }
}

@Suite("Runner simulator with runner bindings", .tags(.simulators, .nats))
struct RunnerSimBindingsTests {
    @Test(.requires(infra: [.nats]), .testEnv(infra: [.nats]))
    func bindingsGiveTheTenantAndRefuseUnboundComponents() async throws {
        let env = try TestEnv.required()
        let runner = HTTPTestClient(base: try await startRunnerSimHTTP(env, arguments: ["--bindings", Paths.fixtures.appendingPathComponent("runner/bindings.yaml").path]))
        let answered = try await runner.post("/runner/activity", json: ["flow": "repo_assistant_chat", "payload": ["text": "status of api"]])
        #expect(answered.status == 200, "\(answered.text)")
        #expect(try await runner.get("/runner/state?tenant=dev").json?["entries"]?.arrayValue?.count == 1, "the bindings' tenant was used")

        let partial = env.directory.artifacts.appendingPathComponent("partial.yaml")
        try Data("tenant: dev\nproviders: {events: {local-events: {}}, messaging: {local-messaging: {}}}\nbridges: {demo.bridge.events_to_message: {}}\n".utf8)
            .write(to: partial)
        do {
            _ = try await env.start(ServiceSpec(
                name: "runner-sim-unbound", executable: GreenticBinaries.integrationCLI(),
                arguments: ["runner-sim", "--nats", try env.natsURL(), "--packs", Paths.packageRoot.appendingPathComponent("Packs").path] + runnerSimScope(env) + [
                            "--bindings", partial.path],
                readiness: .logLine("runner-sim ready")))
            Issue.record("the simulator started with an unbound worker")
        } catch let error as ServiceError {
            #expect("\(error)".contains("component 'demo.worker.repo_assistant' is not bound"), "\(error)")
        }
    }
}
