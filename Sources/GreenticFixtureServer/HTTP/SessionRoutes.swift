import Foundation
import GreenticSessions
import GreenticHTTP
import GreenticTestKit
import Hummingbird

/// `GET|POST|DELETE /sessions` and `POST /sessions/resume`.
struct SessionRoutes {
    let state: FixtureServerState
    let input: RequestInput

    func register(on router: Router<FixtureRequestContext>) {
        router.get("/sessions") { request, _ in
            let filter = try filter(from: try input.query(request), body: nil)
            let listing = try await storeCall { try await state.store.listReporting(filter) }
            var members: [(String, OrderedJSON)] = [("count", .int(listing.records.count)), ("sessions", .array(listing.records.map(\.viewJSON)))]
            // Unreadable records are named, never silently dropped (and never fail the whole list).
            if !listing.errors.isEmpty { members.append(("errors", .array(listing.errors.map { .string($0) }))) }
            return JSONResponse.make(.object(members))
        }
        router.post("/sessions") { request, _ in
            let body = try await input.jsonObject(request) ?? [:]
            let defaults = state.config.defaults
            guard let tenant = try RequestInput.identifier(RequestInput.trimmed(try RequestInput.string(body, "tenant")) ?? defaults.tenant, "tenant") else {
                throw APIError.badRequest("missing_tenant", "tenant is required (in the body or as [defaults].tenant)")
            }
            guard let user = try RequestInput.identifier(RequestInput.trimmed(try RequestInput.string(body, "user")), "user") else {
                throw APIError.badRequest("missing_user", "user is required")
            }
            let key = try RequestInput.sessionKey(RequestInput.trimmed(try RequestInput.string(body, "key"))) ?? UUID().uuidString.lowercased()
            let team = try RequestInput.identifier(RequestInput.trimmed(try RequestInput.string(body, "team")) ?? defaults.team, "team")
            let flow = try RequestInput.identifier(RequestInput.trimmed(try RequestInput.string(body, "flow_id")), "flow_id")
            let node = try RequestInput.identifier(RequestInput.trimmed(try RequestInput.string(body, "node_id")), "node_id")
            let record = SessionRecord(key: key, tenant: tenant, team: team, user: user, flowID: flow, nodeID: node,
                                       context: body["context"] ?? .null)
            let stored = try await storeCall { try await state.store.upsert(record) }
            return JSONResponse.make(stored.viewJSON)
        }
        router.delete("/sessions") { request, context in
            let query = try input.query(request)
            let body = try await input.jsonObject(request, optional: true)
            let filter = try filter(from: query, body: body)
            if filter.isEmpty && query["all"] != "true" {
                throw APIError.badRequest("unfiltered_purge", "refusing to delete every session: give tenant, team or user, or all=true")
            }
            // Without server.auth_token, only a local tool (not a web page) may wipe every session.
            if filter.isEmpty, state.config.authToken == nil, !context.isLoopbackPeer || request.headers[.origin] != nil {
                throw APIError(.forbidden, "purge_all_refused",
                               "deleting every session without server.auth_token is allowed only from this machine and not from a web page (no Origin header)")
            }
            let purged = try await storeCall { try await state.store.purgeReporting(filter) }
            var members: [(String, OrderedJSON)] = [("removed", .int(purged.removed))]
            if !purged.errors.isEmpty { members.append(("errors", .array(purged.errors.map { .string($0) }))) }
            return JSONResponse.make(.object(members))
        }
        router.post("/sessions/resume") { request, _ in
            let body = try await input.jsonObject(request) ?? [:]
            let defaults = state.config.defaults
            let tenant = try RequestInput.identifier(try RequestInput.string(body, "tenant") ?? defaults.tenant, "tenant")
            guard let user = try RequestInput.identifier(try RequestInput.string(body, "user"), "user") else {
                throw APIError.badRequest("missing_user", "user is required to resume a session")
            }
            let team = try RequestInput.identifier(try RequestInput.string(body, "team") ?? defaults.team, "team")
            let found = try await storeCall { try await state.store.find(SessionFilter(tenant: tenant, team: team, user: user)) }
            guard let session = found else {
                throw APIError(.notFound, "session_not_found", "no session for tenant=\(tenant ?? "*") team=\(team ?? "*") user=\(user)")
            }
            guard let flow = session.flowID else {
                throw APIError(.conflict, "session_without_flow", "session \(session.key) has no flow_id to resume")
            }
            let activity = RunnerActivity(flow: flow, tenant: session.tenant, team: session.team, user: user, payload: body["payload"] ?? .null,
                                          session: ["key": .string(session.key), "node_id": session.nodeID.map { .string($0) } ?? .null,
                                                    "context": session.context])
            let event: RunnerEvent
            do {
                event = try await state.runActivity(activity)
            } catch let error as RunnerBridgeError {
                throw APIError(.badGateway, "runner_error", "\(error) (the session is kept)")
            }
            // A flow that waits again keeps its session (the runner stored the new cursor).
            if event.result["status"]?.stringValue != "waiting" {
                _ = try await storeCall { try await state.store.remove(tenant: session.tenant, key: session.key) }
            }
            return JSONResponse.make(event.orderedJSON)
        }
    }

    /// Query values (overridden by present body fields), trimmed, empty = absent, then defaults.
    /// Every value given is checked, the overridden ones too.
    func filter(from query: [String: String], body: [String: JSONValue]?) throws -> SessionFilter {
        func value(_ name: String) throws -> String? {
            let fromQuery = try RequestInput.identifier(RequestInput.trimmed(query[name]), name)
            guard let body, let given = try RequestInput.string(body, name) else { return fromQuery }
            return try RequestInput.identifier(RequestInput.trimmed(given), name) ?? fromQuery
        }
        let defaults = state.config.defaults
        return SessionFilter(tenant: try value("tenant") ?? defaults.tenant, team: try value("team") ?? defaults.team, user: try value("user"))
    }

    func storeCall<T>(_ body: () async throws -> T) async throws -> T {
        do { return try await body() } catch let error as APIError { throw error } catch {
            throw APIError(.internalServerError, "store_error", "\(error)")
        }
    }
}
