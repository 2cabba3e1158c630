import Foundation
import GreenticTestKit
import GreenticFixtureServer
import Simulators
import TestSupport
import Testing

@Suite("Runner simulator flow engine (in-process)", .tags(.simulators))
struct FlowEngineTests {
    let fixtures = Fixture(root: Paths.fixtures)
    let packs = Paths.packageRoot.appendingPathComponent("Packs")

    func flow(_ path: String) throws -> FlowDocument {
        try FlowDocument.load(path: packs.appendingPathComponent(path).path)
    }

    @Test func statusQuestionIsAnsweredOnTheEgressSubject() throws {
        var message = try fixtures.json("inputs/channel_message.json").objectValue!
        message["text"] = "what is the status of my-service?"
        let scope = FlowEngine.Scope(tenant: "acme", team: "platform")
        let trace = try FlowEngine().run(try flow("integration-demos/flows/repo_assistant.ygtc"), input: .object(message), scope: scope)
        #expect(trace.steps.map(\.node) == ["ingress_message", "to_worker", "respond", "done"])
        #expect(trace.effects.count == 1)
        #expect(trace.effects[0].subject == "greentic.messaging.egress.dev.acme.platform.webchat")
        #expect(trace.effects[0].payload["text"] == "my-service: no failing builds known to the assistant.")
        #expect(trace.effects[0].payload["channel"] == "conv-88", "{{session_id}} templated from the envelope")
    }

    @Test func rebuildRequestEmitsTheEventThenReplies() throws {
        let message = try fixtures.json("inputs/channel_message.json")
        let trace = try FlowEngine().run(try flow("integration-demos/flows/repo_assistant.ygtc"), input: message,
                                         scope: FlowEngine.Scope(tenant: "acme"))
        #expect(trace.steps.map(\.route) == ["default", "rebuild_requested", "default", "default", nil])
        #expect(trace.effects.map(\.kind) == [.event, .message])
        #expect(trace.effects[0].subject == "greentic.repo.build.request")
        #expect(trace.effects[0].payload.value(atPath: "payload.repo") == "my-service")
        #expect(trace.effects[0].payload.value(atPath: "payload.requested_by") == "u-17")
        #expect(trace.effects[1].payload["text"] == "Rebuild of my-service requested.")
        #expect(trace.effects[1].subject == "greentic.messaging.egress.dev.acme.default.webchat")
    }

    @Test func buildStatusEventBecomesAChannelMessage() throws {
        let event = try fixtures.json("inputs/build_status_event.json")
        let trace = try FlowEngine().run(try flow("integration-demos/flows/build_status_notifications.ygtc"), input: event,
                                         scope: FlowEngine.Scope(tenant: "acme"))
        #expect(trace.effects.count == 1)
        #expect(trace.effects[0].payload["channel"] == "build-notifications")
        #expect(trace.effects[0].payload["text"] == "Build of my-service failed at commit 9f3c2e1.")
    }

    @Test func deployFlowWritesThePlanThroughTheHostRuntime() throws {
        let dir = try Paths.temporary("flow-iac")
        defer { try? FileManager.default.removeItem(at: dir) }
        let packDir = packs.appendingPathComponent("deploy-generic").path
        let engine = FlowEngine { tenant, environment in
            let runtime = HostPlanRuntime(source: .inferred(packDirectory: packDir, tenant: tenant, environment: environment))
            return try DeployPlanComponent.run(runtime: runtime, sandbox: IacSandbox(hostRoot: dir)).path
        }
        let trace = try engine.run(try flow("deploy-generic/flows/deploy_generic_iac.ygtc"), input: ["payload": [:]],
                                   scope: FlowEngine.Scope(tenant: "acme"))
        #expect(trace.effects.map(\.kind) == [.plan])
        let written = try JSONValue.parse(Data(contentsOf: dir.appendingPathComponent("plan.json")))
        let expected = try DeploymentPlanner.plan(packDirectory: packDir, tenant: "acme", environment: "dev").value
        #expect(written == expected)
    }

    @Test func failuresAndUnknownOperators() throws {
        let repo = try flow("integration-demos/flows/repo_assistant.ygtc")
        #expect(throws: FlowEngine.ComponentFailure.self) {
            try FlowEngine().run(repo, input: ["text": "status"], scope: FlowEngine.Scope(tenant: "t")) { $0 == "demo.worker.repo_assistant" ? "worker down" : nil }
        }
        let odd = try FlowDocument.parse("type: events\nid: x\nnodes:\n  a:\n    teleport.now: {}\n")
        #expect(throws: FlowEngine.ComponentFailure.self) { try FlowEngine().run(odd, input: [:], scope: FlowEngine.Scope(tenant: "t")) }
        #expect(FlowEngine.Scope.token(" team a ") == "team-a" && FlowEngine.Scope.token("") == "unknown" && FlowEngine.Scope.token("a.b>") == "a-b-")
    }

    @Test func sessionWaitPausesAndAResumeContinuesAfterIt() throws {
        let helpdesk = try flow("integration-demos/flows/helpdesk_ticket.ygtc")
        let scope = FlowEngine.Scope(tenant: "acme")
        let first = try FlowEngine().run(helpdesk, input: ["text": "cannot print", "session_id": "s-9"], scope: scope)
        #expect(first.waiting == FlowEngine.Wait(node: "ask_system", prompt: "Which system is affected by \"cannot print\"?"))
        #expect(first.steps.map(\.node) == ["ingress_message", "ask_system"])
        #expect(first.effects.map(\.kind) == [.message], "only the prompt")
        #expect(first.effects[0].payload["delivery"] == "prompt")
        #expect(first.variables["summary"] == "cannot print")

        var stored = first.variables
        stored["input"] = nil
        let second = try FlowEngine().run(helpdesk, input: ["text": "printer-3"], scope: scope,
                                          resume: FlowEngine.Resume(node: "ask_system", variables: stored))
        #expect(second.waiting == nil)
        #expect(second.steps.map(\.node) == ["open_ticket", "confirm", "done"])
        #expect(second.effects.map(\.subject) == ["greentic.helpdesk.ticket.opened", "greentic.messaging.egress.dev.acme.default.webchat"])
        #expect(second.effects[1].payload["text"] == "Ticket opened for printer-3: cannot print")
        #expect(second.effects[1].payload["channel"] == "s-9", "the session id survives the wait")

        #expect(throws: FlowEngine.ComponentFailure.self) {
            try FlowEngine().run(helpdesk, input: [:], scope: scope, resume: FlowEngine.Resume(node: "nowhere", variables: [:]))
        }
    }
}

@Suite("Direct Line tokens (HS256)", .tags(.server))
struct DirectLineTokenTests {
    let signer = DirectLineTokenSigner(secret: Array("0123456789abcdef0123456789abcdef".utf8), lifetime: 60)

    @Test func issuedTokensVerifyAndCarryTheirClaims() throws {
        let (token, claims) = signer.issue(user: "u-1", env: "dev", tenant: "acme", team: nil, conversation: "c-1", now: 1_000)
        #expect(try signer.verify(token, now: 1_010) == claims)
        #expect(claims.expires == 1_060 && claims.conversation == "c-1")
    }

    @Test func expiredTamperedAndForeignTokensAreRefused() throws {
        let (token, _) = signer.issue(user: "u-1", env: "dev", tenant: "acme", team: "t", now: 1_000)
        #expect(throws: DirectLineTokenError.expired) { try signer.verify(token, now: 1_066) }
        #expect((try? signer.verify(token, now: 1_064)) != nil, "5 s of leeway")
        #expect(throws: DirectLineTokenError.self) { try signer.verify(token, now: 900) }
        let other = DirectLineTokenSigner(secret: Array("another-secret-of-enough-length!".utf8))
        #expect(throws: DirectLineTokenError.invalid("bad signature")) { try other.verify(token, now: 1_001) }
        let parts = token.split(separator: ".").map(String.init)
        let forged = parts[0] + "." + DirectLineTokenSigner.base64URL(Data(#"{"sub":"admin","exp":9999999999,"iss":"greentic.webchat","aud":"directline","ctx":{"env":"dev","tenant":"acme"}}"#.utf8)) + "." + parts[2]
        #expect(throws: DirectLineTokenError.invalid("bad signature")) { try signer.verify(forged, now: 1_001) }
        let foreignAudience = DirectLineTokenSigner(secret: Array("0123456789abcdef0123456789abcdef".utf8), audience: "elsewhere")
        #expect(throws: DirectLineTokenError.invalid("audience is not directline")) { try signer.verify(foreignAudience.issue(user: "u", env: "dev", tenant: "t", team: nil, now: 1_000).token, now: 1_001) }
        #expect(throws: DirectLineTokenError.self) { try signer.verify("a.b", now: 1_001) }
        // The signature's last character carries padding bits: a variant with other padding bits
        // decodes to the same bytes, and is still refused.
        let last = token.last!
        let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_")
        let index = alphabet.firstIndex(of: last)!
        let sibling = alphabet[(index & ~3) + ((index & 3) == 0 ? 1 : 0)]
        #expect(throws: DirectLineTokenError.invalid("signature is not canonical base64url")) {
            try signer.verify(String(token.dropLast()) + String(sibling), now: 1_001)
        }
        #expect(throws: DirectLineTokenError.self) { try signer.verify("", now: 1_001) }
    }

    @Test func botActivitiesFromRunnerAnswers() {
        let runner: JSONValue = ["replies": ["hello", ["type": "AdaptiveCard", "body": [["type": "TextBlock", "text": "Pick one"]]], ["text": "t"], 3]]
        let activities = DirectLineBackend.botActivities(from: runner, replyTo: "a-1")
        #expect(activities.count == 3)
        #expect(activities[0]["text"] == "hello" && activities[0].value(atPath: "from.role") == "bot" && activities[0]["replyToId"] == "a-1")
        #expect(activities[1].value(atPath: "attachments.0.contentType") == "application/vnd.microsoft.card.adaptive")
        #expect(DirectLineBackend.botActivities(from: ["echo": ["text": "hi"], "status": "ok"], replyTo: nil).first?["text"] == "echo: hi")
        #expect(DirectLineBackend.botActivities(from: ["status": "ok"], replyTo: nil).isEmpty)
    }
}

@Suite("Runner bindings", .tags(.simulators))
struct RunnerBindingsTests {
    @Test func projectBindingsCoverEveryFlowOfThePacks() throws {
        let bindings = try RunnerBindings.load(path: Paths.fixtures.appendingPathComponent("runner/bindings.yaml").path)
        #expect(bindings.tenant == "dev" && bindings.providers["messaging"] == ["local-messaging"] && bindings.workers == ["demo.worker.repo_assistant"])
        let packs = Paths.packageRoot.appendingPathComponent("Packs")
        let flows = try RunnerSimulator.loadFlows(packsRoot: packs)
        #expect(flows.count >= 4)
        #expect(bindings.unbound(in: flows, packComponents: ["greentic.deploy.generic.iac"]) == [])
        var partial = bindings
        partial.workers = []
        partial.providers["events"] = nil
        let problems = partial.unbound(in: flows, packComponents: ["greentic.deploy.generic.iac"])
        #expect(problems.contains("flow repo_assistant_chat node to_worker: component 'demo.worker.repo_assistant' is not bound (not a bridge, worker or pack component)"))
        #expect(problems.contains { $0.contains("provider 'local-events' is not bound") })
    }

    @Test func unreadableOrMalformedBindingsAreNamed() throws {
        let dir = try Paths.temporary("bindings")
        defer { try? FileManager.default.removeItem(at: dir) }
        let bad = dir.appendingPathComponent("bad.yaml")
        try Data("providers: [1, 2]\n".utf8).write(to: bad)
        #expect(throws: BindingsError.invalid(path: bad.path, reason: "providers must be a mapping of kinds (events, messaging)")) { try RunnerBindings.load(path: bad.path) }
        #expect(throws: BindingsError.self) { try RunnerBindings.load(path: dir.appendingPathComponent("missing.yaml").path) }
        try Data("- a\n- b\n".utf8).write(to: bad)
        #expect(throws: BindingsError.invalid(path: bad.path, reason: "expected a mapping at the top")) { try RunnerBindings.load(path: bad.path) }
    }
}
