import Foundation
import GreenticHTTP
import GreenticSessions
import GreenticTestKit
import Hummingbird

/// The runner simulator's two ways in over HTTP. `POST /runner/activity` runs the named flow, or
/// resumes the `session` given or the user's waiting session of that flow; `POST
/// /webchat/activities` takes a Bot Framework activity (202, deduplicated on `id`) for the first
/// messaging flow. Both return the turn (route, replies, events, plans, where it waits), whose
/// replies and events are also published on NATS.
struct RunnerActivityRoutes {
    let sim: RunnerSimulator

    func add(to router: Router<BasicRequestContext>) {
        router.post("/runner/activity") { request, _ in try await activity(request) }
        router.post("/webchat/activities") { request, _ in try await webchat(request) }
    }

    func activity(_ request: Request) async throws -> Response {
        let activity = JSONValue.object(try await RunnerSimulatorHTTP.body(request))
        guard let flowID = activity["flow"]?.stringValue else {
            throw APIError.badRequest("invalid_activity", "expected a JSON object with a string 'flow'")
        }
        guard let flow = sim.currentFlows.first(where: { $0.id == flowID }) else {
            throw APIError(.notFound, "unknown_flow", "no flow '\(flowID)' in the loaded packs")
        }
        let tenant = activity["tenant"]?.stringValue ?? sim.options.bindings?.tenant ?? "dev"
        let scope = FlowEngine.Scope(env: sim.options.env, tenant: tenant, team: activity["team"]?.stringValue)
        var input = activity["payload"] ?? .object([:])
        if case .string(let text) = input { input = ["text": .string(text)] }
        var resuming: SessionRecord?
        // A session without a cursor (created by hand, never waited) starts the flow afresh.
        if let session = activity["session"], let node = session["node_id"]?.stringValue {
            guard let key = session["key"]?.stringValue, flow.node(node) != nil else {
                throw APIError.badRequest("invalid_session", "session needs a 'key' and a 'node_id' of flow \(flowID), got node '\(node)'")
            }
            resuming = SessionRecord(key: key, tenant: scope.tenant, team: scope.team, user: activity["user"]?.stringValue,
                                     flowID: flowID, nodeID: node, context: session["context"] ?? .null)
        } else if activity["session"] == nil, case (let waiting?, let record?) = await sim.ingressTarget(scope: scope, user: activity["user"]?.stringValue),
                  waiting.id == flowID {
            // The user's next activity for a flow that waits for them resumes it.
            resuming = record
        }
        do {
            let trace = try await sim.execute(flow, input: input, scope: scope, correlation: activity["user"]?.stringValue ?? flowID,
                                              user: activity["user"]?.stringValue, resuming: resuming)
            return JSONResponse.make(.value(Self.turn(trace, flow: flowID)))
        } catch {
            throw APIError(.internalServerError, "flow_failed", "\(error)")
        }
    }

    func webchat(_ request: Request) async throws -> Response {
        let query = try RunnerSimulatorHTTP.input.query(request)
        let activity = JSONValue.object(try await RunnerSimulatorHTTP.body(request))
        guard let user = activity.value(atPath: "from.id")?.stringValue, !user.isEmpty else {
            throw APIError.badRequest("missing_from", "activity.from.id is required")
        }
        guard let conversation = activity.value(atPath: "conversation.id")?.stringValue, !conversation.isEmpty else {
            throw APIError.badRequest("missing_conversation", "activity.conversation.id is required (the session anchor)")
        }
        if let id = activity["id"]?.stringValue, sim.isDuplicate(activityID: id) {
            return JSONResponse.make(.value(["accepted": true, "duplicate": true]), status: .accepted)
        }
        let tenant = activity.value(atPath: "channelData.tenant")?.stringValue ?? RequestInput.trimmed(query["tenant"]) ?? "dev"
        let scope = FlowEngine.Scope(env: sim.options.env, tenant: tenant, team: activity.value(atPath: "channelData.team")?.stringValue)
        let (target, resuming) = await sim.ingressTarget(scope: scope, user: user)
        guard let flow = target else {
            throw APIError(.notFound, "no_messaging_flow", "no messaging flow in the loaded packs")
        }
        let envelope: JSONValue = [
            "id": activity["id"] ?? .string(UUID().uuidString.lowercased()), "session_id": .string(conversation), "channel": "webchat",
            "from": ["id": .string(user)], "text": activity["text"] ?? "",
            "tenant": ["env": .string(scope.env), "tenant": .string(tenant), "tenant_id": .string(tenant), "user_id": .string(user), "attempt": 0],
        ]
        do {
            let trace = try await sim.execute(flow, input: envelope, scope: scope, correlation: conversation, user: user, resuming: resuming)
            var answer = Self.turn(trace, flow: flow.id).objectValue ?? [:]
            answer["accepted"] = true
            answer["duplicate"] = false
            return JSONResponse.make(.value(.object(answer)), status: .accepted)
        } catch {
            throw APIError(.badGateway, "flow_failed", "\(error)")
        }
    }

    /// The answer for one turn: route, replies, events, plans, and where it waits.
    static func turn(_ trace: FlowEngine.Trace, flow: String) -> JSONValue {
        [
            "status": trace.waiting == nil ? "ok" : "waiting", "flow": .string(flow),
            "route": .array(trace.steps.map { .string($0.node) }),
            // A reply is its text, or {text, attachments} when it carries an Adaptive Card.
            "replies": .array(trace.effects.filter { $0.kind == .message }.map { effect in
                guard let card = effect.payload["card"] else { return effect.payload["text"] ?? .null }
                return ["text": effect.payload["text"] ?? .null,
                        "attachments": [["contentType": "application/vnd.microsoft.card.adaptive", "content": card]]]
            }),
            "events": .array(trace.effects.filter { $0.kind == .event }.map { ["topic": .string($0.subject), "payload": $0.payload["payload"] ?? .null] }),
            "plans": .array(trace.effects.filter { $0.kind == .plan }.map { .string($0.subject) }),
            "session": trace.variables["session_id"] ?? .null,
            "waiting": trace.waiting.map { ["node": .string($0.node), "prompt": $0.prompt.map { .string($0) } ?? .null] } ?? .null,
        ]
    }
}
