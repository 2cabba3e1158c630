// Generated from the ```swift blocks of README.md and docs/*.md by the L0 test
// DocSampleTests (GOLDEN_RECORD=all swift test --filter DocSampleTests rewrites it).
// Edit the documents, not this file.
import Foundation
import GreenticTestKit
import GreenticTestKitTesting
import ScenarioDSL
import Testing

// README.md:36
@Test(.requires(infra: [.nats]), .testEnv(infra: [.nats]))
func echoRoundTrip() async throws {
    let env = try TestEnv.required()
    // The service under test: here a responder in the test; yours is a process (below).
    let service = try await NATSClient.connect(url: try env.natsURL())
    let requests = try await service.subscribe("\(env.subjectPrefix).in")
    let responder = Task {
        for await message in requests {
            let text = try JSONValue.parse(message.payload)["text"]?.stringValue ?? ""
            try service.publish("\(env.subjectPrefix).out", json: ["text": .string(text.uppercased())])
        }
    }
    try await service.flush()
    try await env.run(Scenario("echo") {
        Expect(subject: "${prefix}.out", count: 1) { $0.json("text", equals: "HELLO") }
        Publish(subject: "${prefix}.in", json: ["text": "hello"])
    })
    responder.cancel()
    await service.close()
}

// README.md:69
private func sample_README_2(env: TestEnv) async throws {
    let server = try await env.start(.fixtureServer())
    let port = try #require(server.capture("port"))
    try await env.run(Scenario("health") {
        HTTP("GET", "/healthz", capture: "health")
        Assert("${health.status}", equals: "ok")
    }, serverURL: "http://127.0.0.1:\(port)")
}

// docs/faults.md:57
private func sample_faults_1(env: TestEnv) async throws {
    let proxy = try await NATSFaultProxy.start(env)
    let subject = "\(env.subjectPrefix).orders"
    try proxy.add(NATSFaultRule(.drop, subjects: "\(env.subjectPrefix).*", trigger: .probability(0.3), name: "lossy"))
    try proxy.add(NATSFaultRule(.duplicate, subjects: subject, trigger: .everyNth(5), name: "echo"))

    let direct = try await NATSClient.connect(url: try env.natsURL())
    let through = try await NATSClient.connect(url: proxy.url)
    let orders = try await direct.subscribe(subject)
    try await direct.flush()
    for i in 1...40 { try through.publish(subject, payload: Data("\(i)".utf8)) }
    try await through.flush()
    try await direct.flush()

    let dropped = Set(proxy.events.filter { $0.rule == "lossy" }.map(\.index))
    let doubled = Set(proxy.events.filter { $0.rule == "echo" }.map(\.index))
    var received: [Int] = []
    while let message = await orders.next(timeout: .milliseconds(100)) { received.append(Int(message.text) ?? 0) }
    var expected: [Int] = []
    for i in 1...40 where !dropped.contains(i) { expected += doubled.contains(i) ? [i, i] : [i] }
    precondition(received == expected, "the faults on the timeline are the faults that happened")
}

// docs/getting-started.md:30
@Test(.testEnv())
func sessionsAreStoredByTheFixtureServer() async throws {
    let env = try TestEnv.required()
    let server = try await env.start(.fixtureServer())
    let port = try #require(server.capture("port"))
    try await env.run(Scenario("store a session") {
        HTTP("POST", "/sessions", json: ["tenant": "shop", "user": "alice", "key": "cart-1", "flow_id": "checkout"],
             capture: "stored")
        Assert("${stored.cursor.flow_id}", equals: "checkout")
    }, serverURL: "http://127.0.0.1:\(port)")
}

// docs/scenarios.md:58
private func sample_scenarios_1(env: TestEnv) async throws {
    let prefix = env.subjectPrefix
    let scenario = Scenario("repo assistant rebuild") {
        Expect(subject: "\(prefix).egress", count: 1, capture: "reply") { $0.json("text", contains: "rebuild") }
        ExpectNone(subject: "\(prefix).errors", within: .milliseconds(300))
        Publish(subject: "\(prefix).ingress", json: ["text": "please rebuild my-service"])
        Assert("${reply.text}", contains: "my-service")
    }
    try await env.run(scenario)
}

// docs/testenv.md:27
private func sample_testenv_1(env: TestEnv) async throws {
    let svc = try await env.start(ServiceSpec(
        name: "api", executable: "my-api", arguments: ["--port", "0"],
        readiness: .all([.logLine(#"listening on port (?<port>\d+)"#),
                         .http(url: "http://127.0.0.1:${port}/healthz", status: 200)])))
    let port = svc.capture("port")
}

// docs/testenv.md:51
private func sample_testenv_2(env: TestEnv) async throws {
    struct SocketExists: ReadinessCheck {
        let path: String
        var description: String { "the socket \(path)" }
        func attempt(captures: [String: String]) async throws {
            guard FileManager.default.fileExists(atPath: path) else { throw CocoaError(.fileNoSuchFile) }
        }
    }
    try await env.start(ServiceSpec(name: "api", executable: "my-api",
                                    readiness: .all([.logLine("started"), .custom(SocketExists(path: "/tmp/api.sock"))])))
}

// docs/testenv.md:71
private func sample_testenv_3(port: Int) async throws {
    // Straight to the pipe (one write(2), no buffer), whatever the language mode:
    FileHandle.standardOutput.write(Data("listening on http://127.0.0.1:\(port)\n".utf8))
    // or to stderr, which is unbuffered for print-like writes too:
    FileHandle.standardError.write(Data("ready\n".utf8))
}
