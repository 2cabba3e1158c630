import Foundation
import GreenticSessions
import GreenticTestKit
import Hummingbird
import Logging
import NIOCore
import Synchronization

/// The runner simulator's HTTP surface, the contract the fixture server's runner bridge speaks:
/// `GET /healthz` (`ok` once flows are loaded, else `degraded`), `POST /runner/activity`
/// (runs the named flow, or resumes the `session` given or the user's waiting session of that
/// flow; its replies and events are returned
/// and also published on NATS), `POST /runner/reload` (reloads the flows from the packs root),
/// `GET /runner/state?tenant=` (a tenant's flow state), `GET|POST /runner/faults` (fault knobs:
/// failing components, latency, dropping the NATS connection)
/// and the Gen A ingress `POST /webchat/activities` (a Bot Framework activity: 202, deduplicated
/// on `id`, replies on the webchat egress subject).
package enum RunnerSimulatorHTTP {
    static func json(_ value: JSONValue, status: HTTPResponse.Status = .ok) -> Response {
        var headers = HTTPFields()
        headers[.contentType] = "application/json"
        return Response(status: status, headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(string: JSONWriter.compact(value))))
    }

    static func error(_ status: HTTPResponse.Status, _ code: String, _ message: String) -> Response {
        json(["error": ["code": .string(code), "message": .string(message)]], status: status)
    }

    public static func router(_ sim: RunnerSimulator) -> Router<BasicRequestContext> {
        let router = Router()
        router.get("/healthz") { _, _ in
            let flows = sim.currentFlows.count
            let stats = sim.stats
            return json(["status": .string(flows > 0 ? "ok" : "degraded"), "flows": .number(Double(flows)),
                         "handled": .number(Double(stats.handled)), "dead_lettered": .number(Double(stats.deadLettered)),
                         "waiting": .number(Double(stats.waiting)), "resumed": .number(Double(stats.resumed)),
                         "sessions": .string(sim.options.sessionStore.backendName), "state": .string(sim.options.stateStore.backendName)],
                        status: flows > 0 ? .ok : .serviceUnavailable)
        }
        router.post("/runner/reload") { _, _ in
            do {
                let count = try sim.reloadFlows()
                return json(["ok": true, "flows": .number(Double(count))])
            } catch {
                return Self.error(.unprocessableContent, "reload_failed", "\(error)")
            }
        }
        router.post("/runner/activity") { request, _ in
            guard let activity = try await body(request), let flowID = activity["flow"]?.stringValue else {
                return Self.error(.badRequest, "invalid_activity", "expected a JSON object with a string 'flow'")
            }
            guard let flow = sim.currentFlows.first(where: { $0.id == flowID }) else {
                return Self.error(.notFound, "unknown_flow", "no flow '\(flowID)' in the loaded packs")
            }
            let tenant = activity["tenant"]?.stringValue ?? sim.options.bindings?.tenant ?? "dev"
            let scope = FlowEngine.Scope(env: sim.options.env, tenant: tenant, team: activity["team"]?.stringValue)
            var input = activity["payload"] ?? .object([:])
            if case .string(let text) = input { input = ["text": .string(text)] }
            var resuming: SessionRecord?
            // A session without a cursor (created by hand, never waited) starts the flow afresh.
            if let session = activity["session"], let node = session["node_id"]?.stringValue {
                guard let key = session["key"]?.stringValue, flow.node(node) != nil else {
                    return Self.error(.badRequest, "invalid_session", "session needs a 'key' and a 'node_id' of flow \(flowID), got node '\(node)'")
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
                return json(turn(trace, flow: flowID))
            } catch {
                return Self.error(.internalServerError, "flow_failed", "\(error)")
            }
        }
        router.get("/runner/state") { request, _ in
            guard let tenant = request.uri.queryParameters["tenant"].map(String.init), !tenant.isEmpty else {
                return Self.error(.badRequest, "missing_tenant", "query parameter 'tenant' is required")
            }
            let env = request.uri.queryParameters["env"].map(String.init) ?? sim.options.env
            do {
                let entries = try await sim.options.stateStore.list(env: env, tenant: tenant)
                return json(["backend": .string(sim.options.stateStore.backendName), "tenant": .string(tenant),
                             "entries": .array(entries.map { ["team": .string($0.key.team), "key": .string($0.key.key), "value": $0.value] })])
            } catch {
                return Self.error(.serviceUnavailable, "state_store_error", "\(error)")
            }
        }
        router.get("/runner/faults") { _, _ in faults(sim) }
        router.post("/runner/faults") { request, _ in
            guard let knobs = try await body(request), case .object(let o) = knobs else {
                return Self.error(.badRequest, "invalid_faults", "expected {\"fail\": {component: count}, \"latency_ms\": n, \"drop_nats\": true}")
            }
            var failures: [(String, Int)] = []
            for (component, count) in o["fail"]?.objectValue ?? [:] {
                guard let n = count.intValue, n >= 0 else {
                    return Self.error(.badRequest, "invalid_faults", "fail.\(component) must be a count of 0 or more")
                }
                failures.append((component, n))
            }
            var latency: Duration??
            if let raw = o["latency_ms"] {
                if raw == .null { latency = .some(nil) } else {
                    guard let ms = raw.intValue, ms >= 0 else { return Self.error(.badRequest, "invalid_faults", "latency_ms must be 0 or more") }
                    latency = .some(ms == 0 ? nil : .milliseconds(ms))
                }
            }
            if let drop = o["drop_nats"], drop.boolValue == nil {
                return Self.error(.badRequest, "invalid_faults", "drop_nats must be true or false")
            }
            failures.forEach { sim.failNext($0.0, times: $0.1) }
            if let latency { sim.setLatency(latency) }
            if o["drop_nats"] == true { sim.nats.dropConnection() }
            return faults(sim)
        }
        router.post("/webchat/activities") { request, _ in
            guard let activity = try await body(request), case .object = activity else {
                return Self.error(.badRequest, "invalid_activity", "expected a Bot Framework activity (JSON object)")
            }
            guard let user = activity.value(atPath: "from.id")?.stringValue, !user.isEmpty else {
                return Self.error(.badRequest, "missing_from", "activity.from.id is required")
            }
            guard let conversation = activity.value(atPath: "conversation.id")?.stringValue, !conversation.isEmpty else {
                return Self.error(.badRequest, "missing_conversation", "activity.conversation.id is required (the session anchor)")
            }
            if let id = activity["id"]?.stringValue, sim.isDuplicate(activityID: id) {
                return json(["accepted": true, "duplicate": true], status: .accepted)
            }
            let tenant = activity.value(atPath: "channelData.tenant")?.stringValue ?? request.uri.queryParameters["tenant"].map(String.init) ?? "dev"
            let scope = FlowEngine.Scope(env: sim.options.env, tenant: tenant, team: activity.value(atPath: "channelData.team")?.stringValue)
            let (target, resuming) = await sim.ingressTarget(scope: scope, user: user)
            guard let flow = target else {
                return Self.error(.notFound, "no_messaging_flow", "no messaging flow in the loaded packs")
            }
            let envelope: JSONValue = [
                "id": activity["id"] ?? .string(UUID().uuidString.lowercased()), "session_id": .string(conversation), "channel": "webchat",
                "from": ["id": .string(user)], "text": activity["text"] ?? "",
                "tenant": ["env": .string(scope.env), "tenant": .string(tenant), "tenant_id": .string(tenant), "user_id": .string(user), "attempt": 0],
            ]
            do {
                let trace = try await sim.execute(flow, input: envelope, scope: scope, correlation: conversation, user: user, resuming: resuming)
                var answer = turn(trace, flow: flow.id).objectValue ?? [:]
                answer["accepted"] = true
                answer["duplicate"] = false
                return json(.object(answer), status: .accepted)
            } catch {
                return Self.error(.badGateway, "flow_failed", "\(error)")
            }
        }
        return router
    }

    /// A JSON request body (at most 1 MiB); nil when it is not JSON.
    static func body(_ request: Request) async throws -> JSONValue? {
        var req = request
        let body = try await req.collectBody(upTo: 1_048_576)
        return try? JSONValue.parse(Data(body.readableBytesView))
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

    static func faults(_ sim: RunnerSimulator) -> Response {
        json(["fail": .object(sim.pendingFailures.mapValues { .number(Double($0)) }), "max_attempts": .number(Double(sim.options.maxAttempts)),
              "nats_reconnects": .number(Double(sim.nats.reconnectCount))])
    }

    /// Serves on `host:port` (0 picks a free port) until the task is cancelled; reports the port.
    public static func serve(_ sim: RunnerSimulator, host: String, port: Int, logger: Logger,
                             onListening: @escaping @Sendable (Int) -> Void) async throws {
        let app = Application(router: router(sim), configuration: .init(address: .hostname(host, port: port), serverName: "greentic-runner-sim"),
                              onServerRunning: { channel in onListening(channel.localAddress?.port ?? port) }, logger: logger)
        try await app.runService(gracefulShutdownSignals: [])
    }
}
