import Foundation
import GreenticTestKit
import GreenticTestKitTesting
import ScenarioDSL
import TestSupport
import Testing

/// A service under test: answers `<prefix>.in` at once on `<prefix>.out` (upper-cased text) and
/// on `<prefix>.audit`, and serves requests on `<prefix>.echo`.
func startEchoService(_ nats: NATSClient, prefix: String) async throws -> Task<Void, Never> {
    let input = try await nats.subscribe("\(prefix).in")
    let echo = try await nats.subscribe("\(prefix).echo")
    try await nats.flush()
    return Task {
        await withTaskGroup(of: Void.self) { group in
            group.addTask {
                for await m in input {
                    let json = (try? JSONValue.parse(m.payload)) ?? .null
                    let text = json["text"]?.stringValue ?? ""
                    try? nats.publish("\(prefix).audit", json: ["seen": .string(text)])
                    try? nats.publish("\(prefix).out", json: ["text": .string(text.uppercased()), "tenant": json["tenant"] ?? .null],
                                            headers: ["Greentic-Tenant": json["tenant"]?.stringValue ?? "none"])
                }
            }
            group.addTask {
                for await m in echo {
                    if let reply = m.replyTo { try? nats.publish(reply, payload: m.payload) }
                }
            }
        }
    }
}

@Suite("Scenario DSL against a real nats-server", .tags(.nats, .scenario))
struct ScenarioDSLTests {
    func withService(_ body: (TestEnv, String) async throws -> Void) async throws {
        let env = try TestEnv.required()
        let service = try await NATSClient.connect(url: try env.natsURL())
        let task = try await startEchoService(service, prefix: env.subjectPrefix)
        env.addTeardown { task.cancel(); await service.close() }
        try await body(env, env.subjectPrefix)
    }

    func failure(of scenario: Scenario, in env: TestEnv) async throws -> String {
        do {
            try await env.run(scenario)
        } catch let error as ScenarioError {
            return "\(error)"
        }
        Issue.record("scenario \(scenario.name) passed but should have failed")
        return ""
    }

    /// Under the default `>` wiretap an expected subject gets no subscription of its own, so the
    /// server sends each message once: the client's arrival numbers of the recorded messages
    /// have no gaps (with a second subscription every message would arrive twice).
    @Test(.requires(infra: [.nats]), .testEnv(infra: [.nats]))
    func anExpectedSubjectUnderTheWiretapCrossesTheConnectionOnce() async throws {
        let env = try TestEnv.required()
        let p = env.subjectPrefix
        let scenario = Scenario("one delivery") {
            Expect(subject: "\(p).once", count: 3, within: .seconds(2))
            Publish(subject: "\(p).once", json: ["n": 1])
            Publish(subject: "\(p).once", json: ["n": 2])
            Publish(subject: "\(p).once", json: ["n": 3])
        }
        try await env.run(scenario)
        let events = env.timeline.contents().split(separator: "\n").compactMap { try? JSONValue.parse(String($0)) }
        let subscribed = events.first { $0["data"]?["event"]?.stringValue == "subscribed" }
        let tapped = ScenarioContext.defaultWiretap(perTest: env.endpoints.natsIsPerTest, subjectPrefix: p, greenticEnv: env.greenticEnv)
        #expect(subscribed?["data"]?["subjects"] == .array(tapped.map { .string($0) }))
        #expect(!env.endpoints.natsIsPerTest || tapped == [">"])
        let arrivals = events.filter { $0["kind"]?.stringValue == "message" && $0["data"]?["subject"]?.stringValue == "\(p).once" }
            .compactMap { $0["data"]?["arrival"]?.intValue }
        #expect(arrivals.count == 3)
        #expect(zip(arrivals, arrivals.dropFirst()).allSatisfy { $1 - $0 == 1 }, "arrivals \(arrivals)")
    }

    @Test(.requires(infra: [.nats]), .testEnv(infra: [.nats]))
    func passingScenarioWithInstantResponderAndCaptures() async throws {
        try await withService { env, p in
            // The service answers instantly: a harness that subscribed lazily would miss it.
            let scenario = Scenario("echo round trip") {
                Expect(subject: "\(p).out", count: 1, within: .seconds(2), capture: "out") {
                    $0.json("text", equals: "HELLO").header("Greentic-Tenant", equals: "acme")
                }
                ExpectNone(subject: "\(p).err", within: .milliseconds(100))
                Publish(subject: "\(p).in", json: ["text": "hello", "tenant": "acme"])
                RequestReply(subject: "\(p).echo", json: ["n": 1, "prefix": "${prefix}"], within: .seconds(1), capture: "reply")
                Assert("${reply.n}", equals: 1)
                Assert("${reply.prefix}", equals: .string(p))
                InOrder {
                    Expect(subject: "\(p).audit") { $0.json("seen", equals: "hello") }
                    Expect(subject: "\(p).out")
                }
                WaitQuiet(subject: "\(p).out", for: .milliseconds(50), within: .seconds(1))
            }
            try await env.run(scenario)
            let timeline = env.timeline.contents()
            #expect(timeline.contains(#""kind":"message""#) && timeline.contains("\(p).out"))
            #expect(timeline.contains(#""event":"scenario_passed""#))
        }
    }

    @Test(.requires(infra: [.nats]), .testEnv(infra: [.nats]))
    func missingMessageFailsWithWhatArrivedInstead() async throws {
        try await withService { env, p in
            let message = try await failure(of: Scenario("wrong text") {
                Expect(subject: "\(p).out", within: .seconds(2)) { $0.json("text", equals: "GOODBYE") }
                Publish(subject: "\(p).in", json: ["text": "hello"])
            }, in: env)
            #expect(message.contains("step 1 (expect) failed: expected exactly 1 message(s) on \(p).out matching text equals \"GOODBYE\" within 2.0 seconds, got 0"))
            #expect(message.contains("arrived on \(p).out (1):\n  \(p).out: {\"tenant\":null,\"text\":\"HELLO\"}"))
            #expect(message.contains("timeline: \(env.timeline.url.path)"))
        }
    }

    @Test(.requires(infra: [.nats]), .testEnv(infra: [.nats]))
    func wrongCountFails() async throws {
        try await withService { env, p in
            let message = try await failure(of: Scenario("two replies") {
                Expect(subject: "\(p).out", count: 1, within: .seconds(1))
                Publish(subject: "\(p).in", json: ["text": "a"])
                Publish(subject: "\(p).in", json: ["text": "b"])
                // An exact count is checked over the scenario when it ends, so the scenario must
                // still be running when the second reply arrives: wait for it (on a loaded
                // machine it came after the end in 4 of 20 runs, and the scenario passed).
                Expect(subject: "\(p).out", atLeast: 2, within: .seconds(10))
            }, in: env)
            #expect(message.contains("expected exactly 1 message(s) on \(p).out"), "\(message)")
            #expect(message.contains("got 2"))
        }
    }

    @Test(.requires(infra: [.nats]), .testEnv(infra: [.nats]))
    func unexpectedMessageInsideExpectNoneWindowFails() async throws {
        try await withService { env, p in
            let message = try await failure(of: Scenario("no audit allowed") {
                ExpectNone(subject: "\(p).audit", within: .seconds(2))
                Publish(subject: "\(p).in", json: ["text": "leak"])
            }, in: env)
            #expect(message.contains("expected no message on \(p).audit, but got 1: \(p).audit: {\"seen\":\"leak\"}"), "\(message)")
        }
    }

    @Test(.requires(infra: [.nats]), .testEnv(infra: [.nats]))
    func outOfOrderDeliveryFails() async throws {
        try await withService { env, p in
            let message = try await failure(of: Scenario("order") {
                InOrder {
                    Expect(subject: "\(p).out")
                    Expect(subject: "\(p).audit")
                }
                Publish(subject: "\(p).in", json: ["text": "x"])
            }, in: env)
            // The service publishes the audit event before its reply: #2 came first, and the
            // failure shows both messages with their arrival numbers.
            #expect(message.contains("out of order: expected #1 before #2, but #2 arrived first"), "\(message)")
            #expect(message.contains("first:  #2 (arrival "), "\(message)")
            #expect(message.contains("\(p).audit: "), "\(message)")
            #expect(message.contains("second: #1 (arrival "), "\(message)")
        }
    }

    /// The flake's reproduction: one subscription's consumer falls behind (a burst of 3,000
    /// messages to record) while the other's has one message. The ordered pair still reads in
    /// the order it left the publisher, because order is the client's arrival order, not the
    /// order in which each subscription's consumer recorded its message.
    @Test(.requires(infra: [.nats]), .testEnv(infra: [.nats]))
    func orderIsArrivalOrderWhenOneSubscriptionLagsBehind() async throws {
        let env = try TestEnv.required()
        let p = env.subjectPrefix
        let publisher = try await NATSClient.connect(url: try env.natsURL())
        env.addTeardown { await publisher.close() }
        let go = try await publisher.subscribe("\(p).go")
        try await publisher.flush()
        let burst = Task {
            guard await go.next(timeout: .seconds(10)) != nil else { return }
            for i in 0..<3_000 { try? publisher.publish("\(p).bulk", json: ["n": .number(Double(i))]) }
            try? publisher.publish("\(p).bulk", json: ["last": true])
            try? publisher.publish("\(p).after", json: ["after": true])
            try? await publisher.flush()
        }
        defer { burst.cancel() }
        try await env.run(Scenario("lagging subscription") {
            InOrder {
                Expect(subject: "\(p).bulk", within: .seconds(20)) { $0.json("last", equals: true) }
                Expect(subject: "\(p).after", within: .seconds(20))
            }
            Publish(subject: "\(p).go", json: [:])
        })
    }

    @Test(.requires(infra: [.nats]), .testEnv(infra: [.nats]))
    func eventuallyRetriesHTTPUntilItHolds() async throws {
        let env = try TestEnv.required()
        let server = try await ServerHarness.start(env)
        Task {
            try? await Task.sleep(for: .milliseconds(200))
            _ = try? await server.client.post("/sessions", json: ["tenant": "acme", "user": "late"])
        }
        try await env.run(Scenario("eventually") {
            Eventually(within: .seconds(3)) {
                HTTP("GET", "/sessions?tenant=acme", status: 200, capture: "list")
                Assert("${list.count}", equals: 1)
            }
            HTTP("POST", "/runner/emit", json: ["flow": "f", "payload": ["v": "${list.count}"]], capture: "event")
            Assert("${event.result.echo.v}", equals: 1)
        }, serverURL: server.client.base)
        // The HTTP step's request and response are in the timeline.
        let emitted = env.timeline.contents().split(separator: "\n")
            .compactMap { try? JSONValue.parse(Data($0.utf8)) }
            .first { $0.value(atPath: "data.event") == "http" && $0.value(atPath: "data.url")?.stringValue?.hasSuffix("/runner/emit") == true }
        #expect(emitted?.value(atPath: "data.request_body.flow") == "f")
        #expect(emitted?.value(atPath: "data.status") == 200)
        #expect(emitted?.value(atPath: "data.response_body.result.echo.v") == 1, "\(String(describing: emitted))")
        let failed = try await failure(of: Scenario("never") {
            Eventually(within: .milliseconds(200)) { HTTP("GET", "/sessions?tenant=nobody", capture: "l"); Assert("${l.count}", equals: 5) }
        }, in: env, serverURL: server.client.base)
        #expect(failed.contains("not true within 0.2 seconds: assert: ${l.count} is 0, expected it to equals 5"), "\(failed)")
    }
}

extension ScenarioDSLTests {
    func failure(of scenario: Scenario, in env: TestEnv, serverURL: String) async throws -> String {
        do { try await env.run(scenario, serverURL: serverURL) } catch let error as ScenarioError { return "\(error)" }
        Issue.record("scenario \(scenario.name) passed but should have failed")
        return ""
    }
}

@Suite("Scenario services and the external backend", .tags(.scenario, .infra))
struct ScenarioServiceTests {
    @Test(.requires(infra: [.nats]), .enabled(if: natsPyAvailable || StrictMode.isStrict(ProcessInfo.processInfo.environment),
                                             "missing prerequisite: nats-py (python3 -m pip install nats-py)"),
          .testEnv(infra: [.nats]))
    func startServiceStepRunsAServiceThatAnswers() async throws {
        let env = try TestEnv.required()
        try await env.run(Scenario("service started by the scenario") {
            Expect(subject: "${prefix}.hello", count: 1, within: .seconds(15)) { $0.text(contains: "from python") }
            StartService(name: "greeter", executable: "python3", arguments: ["-u", "-c", """
                import asyncio, nats, sys
                async def main():
                    nc = await nats.connect(sys.argv[1]); print("greeter up", flush=True)
                    await nc.publish(sys.argv[2] + ".hello", b"hello from python"); await nc.drain()
                asyncio.run(main())
                """, "${nats}", "${prefix}"], readyLog: "greeter up")
        })
        #expect(env.services.contains { $0.name == "greeter" })
    }

    @Test(.requires(infra: [.nats]), .testEnv(infra: [.nats]))
    func externalBackendProbesGivenURLsAndNeverStartsAnything() async throws {
        let outer = try TestEnv.required()
        var options = TestEnvOptions(environment: ["E2E_NATS_URL": try outer.natsURL(), "E2E_ARTIFACTS_DIR": outer.directory.artifacts.path,
                                                   "PATH": ProcessInfo.processInfo.environment["PATH"] ?? ""])
        options.infraSelection = .auto
        let (backend, services) = try await TestEnv.with(name: "external", infra: [.nats], options: options) { env in
            (env.endpoints.backend, env.services.count)
        }
        #expect(backend == "external" && services == 0)
        options.infraSelection = .external
        do {
            try await TestEnv.with(name: "external-missing", infra: [.redis], options: options) { _ in }
            Issue.record("missing E2E_REDIS_URL accepted")
        } catch let error as TestEnvError {
            #expect("\(error)".contains("E2E_REDIS_URL"))
        }
        var dead = options
        dead.environment["E2E_NATS_URL"] = "nats://127.0.0.1:9"
        dead.environment["E2E_EXTERNAL_PROBE_TIMEOUT_MS"] = "300"
        await #expect(throws: TestEnvError.self) { try await TestEnv.with(name: "external-dead", infra: [.nats], options: dead) { _ in } }
    }
}
