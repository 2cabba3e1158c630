import Foundation
import GreenticTestKit
import ScenarioDSL
import TestSupport
import Testing

@Suite("Scenario files", .tags(.scenario))
struct ScenarioFileTests {
    @Test func theDocumentedExampleParsesToTheBuilderModel() throws {
        let parsed = try ScenarioFile.load(path: Paths.fixtures.appendingPathComponent("scenarios/echo_round_trip.yaml").path)
        let built = Scenario("echo round trip") {
            Expect(subject: "${prefix}.out", count: 1, within: .milliseconds(2000)) { $0.partial(["text": "HELLO"]) }
            ExpectNone(subject: "${prefix}.err", within: .milliseconds(300))
            Publish(subject: "${prefix}.in", json: ["text": "hello"])
            RequestReply(subject: "${prefix}.echo", json: ["n": 1], within: .milliseconds(1000), capture: "reply")
            Assert("${reply.n}", equals: 1)
        }
        #expect(parsed == built)
    }

    @Test func jsonFilesWork() throws {
        let scenario = try ScenarioFile.parse(#"{"version": 1, "name": "j", "steps": [{"publish": {"subject": "a", "text": "x"}}]}"#)
        #expect(scenario.steps == [.publish(subject: "a", payload: .text("x"), headers: [:])])
    }

    @Test(arguments: [
        ("version: 1\nname: x\nsteps:\n  - publsh: {subject: a}\n", "f.yaml:4: unknown step kind 'publsh'"),
        ("version: 1\nname: x\nsteps:\n  - publish: {subject: a, colour: red}\n", "f.yaml:4: unknown key 'colour'"),
        ("version: 2\nname: x\nsteps: []\n", "f.yaml:1: unsupported version 2"),
        ("name: x\nsteps: []\n", "missing 'version'"),
        ("version: 1\nname: x\nsteps:\n  - expect: {subject: a, count: 1, min: 2}\n", "f.yaml:4: give 'count' or 'min'/'max', not both"),
        ("version: 1\nname: x\nsteps:\n  - expect: {count: 1}\n", "f.yaml:4: missing 'subject'"),
        ("version: 1\nname: x\nsteps:\n  - expect: {subject: a, within_ms: soon}\n", "f.yaml:4: 'within_ms' must be a non-negative integer"),
        ("version: 1\nname: x\nextra: 1\nsteps: []\n", "f.yaml:3: unknown key 'extra'"),
    ])
    func errorsNameTheLine(yaml: String, expected: String) {
        do {
            _ = try ScenarioFile.parse(yaml, path: "f.yaml")
            Issue.record("accepted: \(yaml)")
        } catch {
            #expect("\(error)".contains(expected), "\(error)")
        }
    }

    @Test func variablesExpandWithTypes() throws {
        let v = ScenarioVariables(["reply": ["n": 1, "name": "x"], "prefix": "p"], environment: ["HOME": "/h"])
        #expect(try v.expandValue("${reply.n}") == 1)
        #expect(try v.expand("${prefix}.out.${reply.name}") == "p.out.x")
        #expect(try v.expand("${env.HOME}/x") == "/h/x")
        #expect(try v.expand(["k": "${reply.n}", "t": "n=${reply.n}"]) == ["k": 1, "t": "n=1"])
        #expect(throws: ScenarioError.unknownVariable("missing")) { try v.expand("${missing}") }
    }

    @Test func matchersOnMessages() {
        let m = NATSMessage(subject: "s", headers: ["Greentic-Tenant": "acme"], payload: Data(#"{"payload":{"repo":"svc","n":2},"text":"please rebuild"}"#.utf8))
        #expect(MessageMatcher.path("payload.repo", .equals("svc")).matches(m))
        #expect(MessageMatcher.path("text", .contains("rebuild")).matches(m))
        #expect(MessageMatcher.path("text", .matches("^please")).matches(m))
        #expect(MessageMatcher.header("greentic-tenant", .equals("acme")).matches(m))
        #expect(MessageMatcher.partial(["payload": ["repo": "svc"], "payload.n": 2]).matches(m))
        #expect(!MessageMatcher.partial(["payload": ["repo": "other"]]).matches(m))
        #expect(!MessageMatcher.path("missing", .exists).matches(m))
    }
}
