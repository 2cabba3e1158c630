import Foundation
import GreenticTestKit

/// Executes a `.ygtc` flow node by node, following `routing`, with deterministic built-in
/// components for the operators the project's packs use, and the runner built-in `session.wait`
/// (the flow pauses; a resume continues after it). It only computes: what to publish,
/// which route each node took, and where a flow waits. Transports (NATS, HTTP) live elsewhere.
package struct FlowEngine: Sendable {
    /// Where a message or event goes.
    public struct Effect: Sendable, Equatable {
        /// What the effect is.
        public enum Kind: String, Sendable {
            /// A channel message to a messaging egress subject.
            case message
            /// An event published on its topic.
            case event
            /// A deployment plan written into the IaC sandbox.
            case plan
        }

        public var kind: Kind
        public var subject: String
        public var payload: JSONValue
    }

    /// One node visited.
    public struct Step: Sendable, Equatable {
        public var node: String
        public var operatorName: String
        public var route: String?
    }

    /// Where a flow paused for user input (a `session.wait` node).
    public struct Wait: Sendable, Equatable {
        /// The waiting node; a resume continues with the node its `default` route names.
        public var node: String
        public var prompt: String?

        public init(node: String, prompt: String?) {
            self.node = node
            self.prompt = prompt
        }
    }

    /// A paused flow to continue: the waiting node and the variables it stored.
    public struct Resume: Sendable, Equatable {
        public var node: String
        public var variables: [String: JSONValue]

        public init(node: String, variables: [String: JSONValue]) {
            self.node = node
            self.variables = variables
        }
    }

    /// The outcome of a flow run.
    public struct Trace: Sendable, Equatable {
        public var steps: [Step] = []
        public var effects: [Effect] = []
        /// Variables at the end (`text`, `reply`, `repo`, …), for sessions and assertions.
        public var variables: [String: JSONValue] = [:]
        /// Set when the flow stopped at a `session.wait` node.
        public var waiting: Wait?
    }

    /// The tenant scope a flow runs in (subjects are built from it).
    public struct Scope: Sendable, Equatable {
        public var env: String
        public var tenant: String
        public var team: String
        public var platform: String

        public init(env: String = "dev", tenant: String, team: String? = nil, platform: String = "webchat") {
            self.env = env
            self.tenant = tenant
            self.team = team ?? "default"
            self.platform = platform
        }

        /// `greentic.messaging.egress.{env}.{tenant}.{team}.{platform}` with normalised tokens.
        public var egressSubject: String {
            "greentic.messaging.egress." + [env, tenant, team, platform].map(Self.token).joined(separator: ".")
        }

        public var ingressSubject: String {
            "greentic.messaging.ingress." + [env, tenant, team, platform].map(Self.token).joined(separator: ".")
        }

        /// Trimmed; whitespace, `*`, `>`, `/` and `.` become `-`; empty becomes `unknown`.
        public static func token(_ raw: String) -> String {
            let t = raw.trimmingCharacters(in: .whitespaces)
            if t.isEmpty { return "unknown" }
            return String(t.map { $0.isWhitespace || "*>/.".contains($0) ? "-" : $0 })
        }
    }

    /// A component failure (the runner retries these).
    public struct ComponentFailure: Error, CustomStringConvertible, Equatable {
        public var node: String
        public var component: String
        public var message: String
        public var description: String { "component \(component) at node \(node) failed: \(message)" }
    }

    public var maxSteps = 100
    /// Writes plans for `deploy.renderer`; nil means the plan is only reported.
    public var planWriter: (@Sendable (_ tenant: String, _ environment: String) throws -> String)?
    /// A tenant's secret by name (the runner's secrets store); nil means none is set.
    public var secrets: (@Sendable (_ tenant: String, _ key: String) -> String?)?

    public init(planWriter: (@Sendable (String, String) throws -> String)? = nil,
                secrets: (@Sendable (String, String) -> String?)? = nil) {
        self.planWriter = planWriter
        self.secrets = secrets
    }

    /// Runs `flow` for an input envelope (a ChannelMessageEnvelope or an EventEnvelope), from its
    /// entry node, or, with `resume`, from the node after the one it waited at, with the stored
    /// variables and the new input's text.
    public func run(_ flow: FlowDocument, input: JSONValue, scope: Scope, resume: Resume? = nil,
                    failing: (@Sendable (String) -> String?)? = nil) throws -> Trace {
        var trace = Trace()
        var vars: [String: JSONValue] = resume?.variables ?? [:]
        vars["input"] = input
        vars["tenant"] = .string(scope.tenant)
        vars["env"] = .string(scope.env)
        if let text = input["text"]?.stringValue { vars["text"] = .string(text) }
        if let session = input["session_id"]?.stringValue { vars["session_id"] = .string(session) }
        if let payload = input["payload"] { vars["payload"] = payload }
        var start: FlowNode?
        if let resume {
            guard let waited = flow.node(resume.node) else {
                throw ComponentFailure(node: resume.node, component: "session.wait", message: "flow \(flow.id) has no node '\(resume.node)' to resume at")
            }
            start = waited.next().flatMap { flow.node($0) }
        } else {
            start = flow.nodes.first(where: { ["messaging.ingress", "events.source"].contains($0.operatorName) }) ?? flow.nodes.first
        }
        guard var node = start else {
            trace.variables = vars
            return trace
        }
        for _ in 0..<maxSteps {
            if let component = node.setting("component") ?? Optional(node.operatorName), let message = failing?(component) {
                throw ComponentFailure(node: node.id, component: component, message: message)
            }
            if node.operatorName == "session.wait" {
                let prompt = node.setting("prompt").map { render($0, vars) }
                if let name = node.setting("store_text_as") { vars[name] = vars["text"] ?? .null }
                if let prompt {
                    var payload: [String: JSONValue] = [
                        "channel": .string(render(node.setting("channel") ?? scope.platform, vars)), "tenant": .string(scope.tenant),
                        "team": .string(scope.team), "session_id": vars["session_id"] ?? .null, "text": .string(prompt), "delivery": "prompt",
                    ]
                    if let choices = node.settings["choices"]?.arrayValue?.compactMap(\.stringValue), !choices.isEmpty {
                        payload["card"] = Self.choiceCard(prompt: prompt, choices: choices)
                    }
                    trace.effects.append(Effect(kind: .message, subject: scope.egressSubject, payload: .object(payload)))
                }
                trace.steps.append(Step(node: node.id, operatorName: node.operatorName, route: nil))
                trace.waiting = Wait(node: node.id, prompt: prompt)
                break
            }
            let route = try step(node, vars: &vars, trace: &trace, scope: scope)
            trace.steps.append(Step(node: node.id, operatorName: node.operatorName, route: route))
            guard let route, let nextID = node.next(route), let next = flow.node(nextID) else { break }
            node = next
        }
        trace.variables = vars
        return trace
    }

    /// Runs one node; returns the routing label to follow (nil ends the flow).
    func step(_ node: FlowNode, vars: inout [String: JSONValue], trace: inout Trace, scope: Scope) throws -> String? {
        switch node.operatorName {
        case "messaging.ingress", "events.source", "noop":
            return node.operatorName == "noop" ? nil : "default"
        case "worker.request":
            // `config.secret` names the tenant's credential for the worker; only its fingerprint
            // travels (as `credential` on the reply), never the value.
            if let name = node.config["secret"]?.stringValue {
                if let value = secrets?(scope.tenant, name) {
                    vars["credential"] = .string("sha256:" + String(PackArchive.sha256Hex(Data(value.utf8)).prefix(12)))
                } else if node.config["secret_required"]?.boolValue == true {
                    throw ComponentFailure(node: node.id, component: node.setting("component") ?? node.operatorName,
                                           message: "secret '\(name)' is not set for tenant \(scope.tenant)")
                }
            }
            let text = vars["text"]?.stringValue ?? ""
            let repo = Self.repository(in: text)
            vars["repo"] = .string(repo)
            if text.lowercased().contains("rebuild"), node.config["allow_rebuild"]?.boolValue ?? true {
                vars["reply"] = .string("Rebuild of \(repo) requested.")
                vars["event_payload"] = ["repo": .string(repo), "commit": "main",
                                         "requested_by": vars["input"]?.value(atPath: "from.id") ?? vars["input"]?.value(atPath: "tenant.user_id") ?? .null]
                return "rebuild_requested"
            }
            vars["reply"] = .string("\(repo): no failing builds known to the assistant.")
            return "default"
        case "events.bridge.message_to_channel":
            let p = vars["payload"] ?? .null
            let template = node.config["template"]?.stringValue ?? ""
            guard template == "build-status" else {
                throw ComponentFailure(node: node.id, component: node.setting("component") ?? node.operatorName, message: "unknown template '\(template)'")
            }
            let repo = p["repo"]?.stringValue ?? "unknown"
            let status = p["status"]?.stringValue ?? "unknown"
            let commit = p["commit"]?.stringValue ?? "unknown"
            vars["reply"] = .string("Build of \(repo) \(status) at commit \(commit).")
            return "default"
        case "events.publish":
            let topic = render(node.setting("topic") ?? "", vars)
            let payload = node.config["passthrough_payload"]?.boolValue == true ? (vars["event_payload"] ?? vars["payload"] ?? .null) : (vars["payload"] ?? .null)
            trace.effects.append(Effect(kind: .event, subject: topic, payload: [
                "topic": .string(topic), "tenant": .string(scope.tenant), "payload": payload,
            ]))
            return "default"
        case "messaging.send":
            let channel = render(node.setting("channel") ?? scope.platform, vars)
            trace.effects.append(Effect(kind: .message, subject: scope.egressSubject, payload: [
                "channel": .string(channel), "tenant": .string(scope.tenant), "team": .string(scope.team),
                "session_id": vars["session_id"] ?? .null,
                "text": node.setting("text").map { .string(render($0, vars)) } ?? vars["reply"] ?? vars["text"] ?? .null,
                "delivery": node.config["delivery"] ?? .null, "credential": vars["credential"] ?? .null,
            ]))
            return "default"
        case "deploy.renderer":
            let environment = scope.env
            let written = try planWriter.map { try $0(scope.tenant, environment) }
            trace.effects.append(Effect(kind: .plan, subject: written ?? "plan.json", payload: ["tenant": .string(scope.tenant), "environment": .string(environment)]))
            return "default"
        default:
            throw ComponentFailure(node: node.id, component: node.operatorName, message: "no built-in component for operator '\(node.operatorName)'")
        }
    }

    /// An Adaptive Card asking `prompt`, with one `Action.Submit` per choice (its data's `text`
    /// is what the user answers).
    static func choiceCard(prompt: String, choices: [String]) -> JSONValue {
        ["type": "AdaptiveCard", "version": "1.5", "body": [["type": "TextBlock", "text": .string(prompt), "wrap": true]],
         "actions": .array(choices.map { ["type": "Action.Submit", "title": .string($0), "data": ["text": .string($0)]] })]
    }

    /// `{{name}}` and `{{name.path}}` from the variables; unknown names stay as written.
    func render(_ template: String, _ vars: [String: JSONValue]) -> String {
        var out = template
        while let open = out.range(of: "{{"), let close = out.range(of: "}}", range: open.upperBound..<out.endIndex) {
            let key = out[open.upperBound..<close.lowerBound].trimmingCharacters(in: .whitespaces)
            let parts = key.split(separator: ".", maxSplits: 1).map(String.init)
            let value = parts.count == 2 ? vars[parts[0]]?.value(atPath: parts[1]) : vars[key]
            guard let value else { break }
            out.replaceSubrange(open.lowerBound..<close.upperBound, with: value.stringValue ?? JSONWriter.compact(value))
        }
        return out
    }

    /// The repository a message talks about: the last word that looks like a name.
    static func repository(in text: String) -> String {
        let words = text.split(whereSeparator: { !($0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" || $0 == ".") })
            .map { String($0).trimmingCharacters(in: CharacterSet(charactersIn: ".")) }
        let stop: Set<String> = ["please", "rebuild", "status", "what", "is", "the", "of", "my", "a", "an", "for", "build", "check"]
        return words.last { !stop.contains($0.lowercased()) && !$0.isEmpty } ?? "unknown"
    }
}
