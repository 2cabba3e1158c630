import Foundation
import GreenticTestKit
import GreenticTestKitTesting
import ScenarioDSL
import TestSupport
import Testing

/// The timeline as a reader of a failure sees it: every source written as it happens, in true
/// order on one clock, and failures that carry what arrived instead.
@Suite("Timeline evidence", .tags(.nats, .scenario))
struct TimelineEvidenceTests {
    struct Line {
        var t: Double
        var kind: String
        var source: String
        var data: JSONValue
    }

    static func lines(of env: TestEnv) throws -> [Line] {
        try env.timeline.contents().split(separator: "\n").map { raw in
            let json = try JSONValue.parse(Data(raw.utf8))
            return Line(t: json["t_ms"]?.doubleValue ?? -1, kind: json["kind"]?.stringValue ?? "", source: json["source"]?.stringValue ?? "",
                        data: json["data"] ?? .null)
        }
    }

    /// A shell service logs, publishes (and waits until the test has the message: the reply
    /// comes from the wiretap's own connection, after the wiretap recorded it), logs, sleeps
    /// 400 ms, logs, and publishes again. Its lines and the messages interleave in that order,
    /// stamped when they were read, not when a scenario ended.
    @Test(.requires(infra: [.nats]), .testEnv(infra: [.nats]))
    func serviceLinesAndMessagesInterleaveInTrueOrder() async throws {
        let env = try TestEnv.required()
        let p = env.subjectPrefix
        let client = try await NATSClient.connect(url: try env.natsURL())
        env.addTeardown { await client.close() }
        let events = try await client.subscribe("\(p).event")
        let acker = Task { for await m in events { if let r = m.replyTo { try? client.publish(r, text: "ack") } } }
        env.addTeardown { acker.cancel() }
        let script = env.directory.artifacts.appendingPathComponent("talker.sh")
        try ExecutableScript.write("#!/bin/bash\n" + ShellNATS.script("""
            echo "talker: before publish"
            nats_connect "$NATS"
            nats_sub "$P.ack" 1
            nats_pub "$P.event" '{"n":1}' "$P.ack"
            nats_wait MSG
            echo "talker: after publish"
            sleep 0.4
            echo "talker: after sleep"
            nats_pub "$P.done" '{"done":true}'
            nats_flush
            exec sleep 30
            """), to: script)
        // A script file: the scenario expands ${…} in arguments, which bash uses too.
        try await env.run(Scenario("interleaving") {
            Expect(subject: "\(p).done", within: .seconds(20))
            StartService(name: "talker", executable: script.path,
                         environment: ["NATS": "${nats}", "P": "${prefix}"])
        }, nats: client)
        let all = try Self.lines(of: env)
        #expect(zip(all, all.dropFirst()).allSatisfy { $0.t <= $1.t }, "t_ms is monotonic through the whole file")
        func index(_ what: String, _ test: (Line) -> Bool) throws -> Int {
            let found = all.firstIndex(where: test)
            return try #require(found, "\(what) is in the timeline")
        }
        let before = try index("before") { $0.kind == "log" && $0.data["line"] == "talker: before publish" }
        let event = try index("event") { $0.kind == "message" && $0.data["subject"]?.stringValue == "\(p).event" }
        let after = try index("after") { $0.kind == "log" && $0.data["line"] == "talker: after publish" }
        let slept = try index("slept") { $0.kind == "log" && $0.data["line"] == "talker: after sleep" }
        let done = try index("done") { $0.kind == "message" && $0.data["subject"]?.stringValue == "\(p).done" }
        let passed = try index("passed") { $0.data["event"] == "scenario_passed" }
        #expect(before < event && event < after && after < slept && slept < done && done < passed, "\([before, event, after, slept, done, passed])")
        // The event is stamped before the acknowledgement that lets the talker print "after
        // publish" and start its 0.4 s sleep, and a line is stamped once written: so at least
        // 400 ms separate them, however late any reader runs (a line stamped at a later drain
        // would already have broken the order above).
        #expect(all[slept].t - all[event].t >= 400, "each line is stamped when it was read: \(all[event].t) then \(all[slept].t)")
        #expect(all[event].data["payload"] == ["n": 1])
    }

    /// The service publishes on `orders.created` where the scenario expects `order.created`:
    /// the complete wiretap saw it, and the failure names the near miss and the token.
    @Test(.requires(infra: [.nats]), .testEnv(infra: [.nats]))
    func aNearMissSubjectIsNamedInTheFailure() async throws {
        let env = try TestEnv.required()
        let p = env.subjectPrefix
        let service = try await NATSClient.connect(url: try env.natsURL())
        env.addTeardown { await service.close() }
        let orders = try await service.subscribe("\(p).orders.place")
        try await service.flush()
        let task = Task {
            for await m in orders {
                try? service.publish("\(p).orders.created", payload: m.payload)
                try? service.publish("\(p).order.created", json: ["id": "o-0", "note": "an older order"])
            }
        }
        env.addTeardown { task.cancel() }
        do {
            try await env.run(Scenario("near miss") {
                Publish(subject: "\(p).orders.place", json: ["id": "o-1"])
                Expect(subject: "\(p).order.created", within: .seconds(1)) { $0.json("id", equals: "o-1") }
            })
            Issue.record("the scenario passed")
        } catch let error as ScenarioError {
            let text = "\(error)"
            #expect(text.contains("step 2 (expect) failed: expected exactly 1 message(s) on \(p).order.created matching id equals \"o-1\""), "\(text)")
            #expect(text.contains("arrived on \(p).order.created (1):"), "\(text)")
            #expect(text.contains("differs: id is \"o-0\", expected it to equals \"o-1\""), "\(text)")
            #expect(text.contains("on similar subjects:\n  \(p).orders.created (1, token "), "\(text)")
            #expect(text.contains("is 'orders', not 'order'): {\"id\":\"o-1\"}"), "\(text)")
            guard case .stepFailed(_, _, .expectationNotMet(let subject, _, _, let got, _, _), _) = error else {
                Issue.record("not a typed expectation failure: \(error)")
                return
            }
            #expect(subject == "\(p).order.created" && got == 0)
        }
    }

    /// A reply without the field the scenario reads: the failure shows the reply's keys and
    /// body, and the timeline holds the request with its reply.
    @Test(.requires(infra: [.nats]), .testEnv(infra: [.nats]))
    func aWrongShapedReplyIsInTheFailureAndTheTimeline() async throws {
        let env = try TestEnv.required()
        let p = env.subjectPrefix
        let service = try await NATSClient.connect(url: try env.natsURL())
        env.addTeardown { await service.close() }
        let requests = try await service.subscribe("\(p).status")
        try await service.flush()
        let task = Task {
            for await m in requests {
                if let r = m.replyTo { try? service.publish(r, json: ["state": "ok", "id": 7, "token": "s3cr3t-value"]) }
            }
        }
        env.addTeardown { task.cancel() }
        do {
            try await env.run(Scenario("wrong shape") {
                RequestReply(subject: "\(p).status", json: ["q": "status"], capture: "reply")
                Assert("${reply.status}", equals: "ok")
            })
            Issue.record("the scenario passed")
        } catch let error as ScenarioError {
            let text = "\(error)"
            #expect(text.contains("step 2 (assert) failed: unknown variable ${reply.status}: reply has no key status (its keys: id, state, token)"), "\(text)")
            #expect(text.contains(#"reply = {"id":7,"state":"ok","#), "\(text)")
        }
        let request = try #require(try Self.lines(of: env).first { $0.data["event"] == "request" })
        #expect(request.data["subject"]?.stringValue == "\(p).status")
        #expect(request.data["payload"] == ["q": "status"])
        #expect(request.data.value(atPath: "reply.payload.state") == "ok")
        #expect(request.data.value(atPath: "reply.payload.token") == "<redacted>", "secret-named fields are redacted in the timeline")
    }

    /// A service that fails to start is a timeline event with its status and last lines, and
    /// one that prints nothing is told why that may be.
    @Test(.testEnv())
    func failedStartsAreEvidence() async throws {
        let env = try TestEnv.required()
        await #expect(throws: ServiceError.self) {
            try await env.start(ServiceSpec(name: "crasher", executable: "/bin/sh", arguments: ["-c", "echo 'config missing' >&2; exit 3"],
                                            readiness: .logLine("^never$")))
        }
        do {
            try await env.start(ServiceSpec(name: "silent", executable: "/bin/sh", arguments: ["-c", "exec sleep 30"],
                                            readiness: .logLine("^ready$"), readinessTimeout: .milliseconds(300)))
            Issue.record("a silent service became ready")
        } catch let error as ServiceError {
            #expect("\(error)".contains("it printed nothing at all on stdout or stderr"), "\(error)")
            #expect("\(error)".contains("FileHandle.standardOutput.write"), "\(error)")
            #expect("\(error)".contains("waiting for an output line matching /^ready$/"), "\(error)")
        }
        let all = try Self.lines(of: env)
        let crashed = try #require(all.first { $0.source == "crasher" && $0.data["event"] == "failed" })
        #expect(crashed.data["status"] == "exited with status 3")
        #expect(crashed.data["log_tail"]?.stringValue?.contains("config missing") == true)
        #expect(all.contains { $0.source == "silent" && $0.data["event"] == "failed" })
        let harness = try String(contentsOf: env.directory.harnessLog, encoding: .utf8)
        #expect(harness.contains("service crasher failed to start"))
    }
}
