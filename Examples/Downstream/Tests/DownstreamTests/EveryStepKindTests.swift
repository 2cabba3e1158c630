import Foundation
import GreenticTestKit
import GreenticTestKitTesting
import Hummingbird
import RegexBuilder
import ScenarioDSL
import Testing
import XCTest

/// Every DSL step kind written unqualified beside the modules a test target imports with the
/// kit (Foundation, Swift Testing, XCTest, Hummingbird, RegexBuilder): this file compiling is
/// the check that no DSL name collides with theirs. The switch below has no `default`, so a new
/// step kind that this file does not write fails to compile here.
@Suite("Downstream: every step kind, unqualified")
struct EveryStepKindTests {
    static let scenario = Scenario("every step kind") {
        Expect(subject: "${prefix}.out", count: 1, capture: "out") { $0.json("text", equals: "HI").header("x-id", matches: "^a") }
        ExpectNone(subject: "${prefix}.errors", within: .milliseconds(50))
        InOrder {
            Expect(subject: "${prefix}.first")
            Expect(subject: "${prefix}.second")
        }
        Publish(subject: "${prefix}.in", json: ["text": "hi"], headers: ["x-id": "a-1"])
        Publish(subject: "${prefix}.in", text: "plain")
        RequestReply(subject: "${prefix}.echo", json: ["n": 1], within: .seconds(1), capture: "reply")
        HTTP("GET", "/healthz", capture: "health")
        StartService(name: "svc", executable: "/bin/sh", arguments: ["-c", "echo ready; sleep 30"], readyLog: "ready")
        InstallPack(source: "Packs/demo")
        CaptureValue("greeting", "hello ${reply.n}")
        WaitQuiet(subject: "${prefix}.in", for: .milliseconds(20), within: .seconds(1))
        Eventually(within: .seconds(1)) {
            Assert("${health.status}", equals: "ok")
        }
        Assert("${greeting}", contains: "hello")
        Assert("${greeting}", matches: "^hello")
    }

    static func kinds(_ steps: [ScenarioStep]) -> Set<String> {
        var kinds: Set<String> = []
        for step in steps {
            switch step {
            case .publish, .request, .http, .startService, .installPack, .capture, .waitQuiet, .expect, .expectNone, .assert:
                kinds.insert(step.kind)
            case .inOrder(let list):
                kinds.insert(step.kind)
                #expect(list.count == 2)
            case .eventually(_, let inner):
                kinds.insert(step.kind)
                kinds.formUnion(Self.kinds(inner))
            }
        }
        return kinds
    }

    @Test func theScenarioHoldsEveryStepKind() {
        #expect(Self.kinds(Self.scenario.steps) == ["publish", "request", "http", "start_service", "install_pack", "capture",
                                                   "wait_quiet", "expect", "expect_none", "in_order", "eventually", "assert"])
        // The neighbours' own names still mean theirs.
        let regex = Regex { Capture { OneOrMore(.digit) } }
        #expect("port 42".firstMatch(of: regex)?.output.1 == "42")
        let router = Router()
        router.get("/") { _, _ in "ok" }
        let request: Request? = nil
        #expect(request == nil)
        let expectation: XCTestExpectation = XCTestExpectation(description: "unused")
        expectation.fulfill()
    }
}
