import Foundation
import GreenticTestKit
import Hummingbird
import Logging
import NIOCore
import Synchronization

/// The runner simulator's HTTP surface, the contract the fixture server's runner bridge speaks:
/// `GET /healthz` (`ok` once flows are loaded, else `degraded`), `POST /runner/activity`
/// (runs the named flow; its replies and events are returned and also published on NATS), and
/// `POST /runner/reload` (reloads the flows from the packs root).
public enum RunnerSimulatorHTTP {
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
                         "handled": .number(Double(stats.handled)), "dead_lettered": .number(Double(stats.deadLettered))],
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
            var req = request
            let body = try await req.collectBody(upTo: 1_048_576)
            guard let activity = try? JSONValue.parse(Data(body.readableBytesView)), let flowID = activity["flow"]?.stringValue else {
                return Self.error(.badRequest, "invalid_activity", "expected a JSON object with a string 'flow'")
            }
            guard let flow = sim.currentFlows.first(where: { $0.id == flowID }) else {
                return Self.error(.notFound, "unknown_flow", "no flow '\(flowID)' in the loaded packs")
            }
            let tenant = activity["tenant"]?.stringValue ?? "dev"
            let scope = FlowEngine.Scope(env: sim.options.env, tenant: tenant, team: activity["team"]?.stringValue)
            var input = activity["payload"] ?? .object([:])
            if case .string(let text) = input { input = ["text": .string(text)] }
            do {
                let trace = try await sim.execute(flow, input: input, scope: scope, correlation: activity["user"]?.stringValue ?? flowID)
                return json([
                    "status": "ok", "flow": .string(flowID),
                    "route": .array(trace.steps.map { .string($0.node) }),
                    "replies": .array(trace.effects.filter { $0.kind == .message }.map { $0.payload["text"] ?? .null }),
                    "events": .array(trace.effects.filter { $0.kind == .event }.map { ["topic": .string($0.subject), "payload": $0.payload["payload"] ?? .null] }),
                    "plans": .array(trace.effects.filter { $0.kind == .plan }.map { .string($0.subject) }),
                ])
            } catch {
                return Self.error(.internalServerError, "flow_failed", "\(error)")
            }
        }
        return router
    }

    /// Serves on `host:port` (0 picks a free port) until the task is cancelled; reports the port.
    public static func serve(_ sim: RunnerSimulator, host: String, port: Int, logger: Logger,
                             onListening: @escaping @Sendable (Int) -> Void) async throws {
        let app = Application(router: router(sim), configuration: .init(address: .hostname(host, port: port), serverName: "greentic-runner-sim"),
                              onServerRunning: { channel in onListening(channel.localAddress?.port ?? port) }, logger: logger)
        try await app.runService(gracefulShutdownSignals: [])
    }
}
