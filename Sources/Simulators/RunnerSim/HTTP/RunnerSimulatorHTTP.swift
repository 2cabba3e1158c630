import Foundation
import GreenticHTTP
import GreenticTestKit
import Hummingbird
import Logging
import NIOCore

/// The runner simulator's HTTP surface, the contract the fixture server's runner bridge speaks:
/// `GET /healthz` (`ok` once flows are loaded, else `degraded`), `POST /runner/activity` and the
/// Gen A ingress `POST /webchat/activities` (see `RunnerActivityRoutes`), `POST /runner/reload`
/// (reloads the flows from the packs root), `GET /runner/state?tenant=` (a tenant's flow state),
/// `GET|POST /runner/faults` (fault knobs, see `FaultKnobs`). Errors are the fixture server's
/// JSON error bodies and its input rules (`GreenticHTTP`'s `RequestInput`): unknown routes 404, a
/// known path with another method 405 with `Allow`, a body over 1 MiB 413, a body that is not
/// `application/json` 415, malformed JSON 400, a body that is not an object 422, a repeated
/// query parameter 400.
package enum RunnerSimulatorHTTP {
    /// The routes and their methods (for 405 answers).
    static let routes: [String: [String]] = [
        "/healthz": ["GET"], "/runner/reload": ["POST"], "/runner/activity": ["POST"], "/runner/state": ["GET"],
        "/runner/faults": ["GET", "POST"], "/webchat/activities": ["POST"],
    ]
    /// The largest request body read, and how long reading it may take.
    static let input = RequestInput(maxBodyBytes: 1_048_576, bodyTimeout: .seconds(30))

    package static func router(_ sim: RunnerSimulator) -> Router<BasicRequestContext> {
        let router = Router()
        router.add(middleware: JSONErrorMiddleware(allowed: AllowedMethods(paths: routes)))
        router.get("/healthz") { _, _ in
            let flows = sim.currentFlows.count
            let stats = sim.stats
            return JSONResponse.make(.value(["status": .string(flows > 0 ? "ok" : "degraded"), "flows": .number(Double(flows)),
                                             "handled": .number(Double(stats.handled)), "dead_lettered": .number(Double(stats.deadLettered)),
                                             "waiting": .number(Double(stats.waiting)), "resumed": .number(Double(stats.resumed)),
                                             "sessions": .string(sim.options.sessionStore.backendName), "state": .string(sim.options.stateStore.backendName),
                                             "nats_server": .string(sim.nats.connectedURL), "nats_connected": .bool(sim.nats.isConnected),
                                             "nats_reconnects": .number(Double(sim.nats.reconnectCount))]),
                                     status: flows > 0 ? .ok : .serviceUnavailable)
        }
        router.post("/runner/reload") { _, _ in
            do {
                let count = try sim.reloadFlows()
                return JSONResponse.make(.value(["ok": true, "flows": .number(Double(count))]))
            } catch {
                throw APIError(.unprocessableContent, "reload_failed", "\(error)")
            }
        }
        router.get("/runner/state") { request, _ in
            let query = try input.query(request)
            guard let tenant = RequestInput.trimmed(query["tenant"]) else {
                throw APIError.badRequest("missing_tenant", "query parameter 'tenant' is required")
            }
            let env = RequestInput.trimmed(query["env"]) ?? sim.options.env
            do {
                let entries = try await sim.options.stateStore.list(env: env, tenant: tenant)
                return JSONResponse.make(.value(["backend": .string(sim.options.stateStore.backendName), "tenant": .string(tenant),
                                                 "entries": .array(entries.map { ["team": .string($0.key.team), "key": .string($0.key.key), "value": $0.value] })]))
            } catch {
                throw APIError(.serviceUnavailable, "state_store_error", "\(error)")
            }
        }
        router.get("/runner/faults") { _, _ in faults(sim) }
        router.post("/runner/faults") { request, _ in
            try FaultKnobs(json: .object(try await body(request))).apply(to: sim)
            return faults(sim)
        }
        RunnerActivityRoutes(sim: sim).add(to: router)
        return router
    }

    /// A request's JSON object body, read and checked by the rules every HTTP surface shares.
    static func body(_ request: Request) async throws -> [String: JSONValue] {
        // `optional: false`: a body is required, so the answer is never nil.
        try await input.jsonObject(request) ?? [:]
    }

    static func faults(_ sim: RunnerSimulator) -> Response {
        JSONResponse.make(.value(["fail": .object(sim.pendingFailures.mapValues { .number(Double($0)) }), "max_attempts": .number(Double(sim.options.maxAttempts)),
                                  "nats_reconnects": .number(Double(sim.nats.reconnectCount))]))
    }

    /// Serves on `host:port` (0 picks a free port) until the task is cancelled; reports the port.
    package static func serve(_ sim: RunnerSimulator, host: String, port: Int, logger: Logger,
                              onListening: @escaping @Sendable (Int) -> Void) async throws {
        let app = Application(router: router(sim), configuration: .init(address: .hostname(host, port: port), serverName: "greentic-runner-sim"),
                              onServerRunning: { channel in onListening(channel.localAddress?.port ?? port) }, logger: logger)
        try await app.runService(gracefulShutdownSignals: [])
    }
}
