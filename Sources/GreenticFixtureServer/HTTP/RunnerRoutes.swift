import GreenticHTTP
import GreenticTestKit
import Hummingbird

/// `GET|DELETE /runner/events` and `POST /runner/emit` (through the runner bridge).
struct RunnerRoutes {
    let state: FixtureServerState
    let input: RequestInput

    func register(on router: Router<FixtureRequestContext>) {
        router.get("/runner/events") { _, _ in
            JSONResponse.make(.array(state.events.all().map(\.orderedJSON)))
        }
        router.delete("/runner/events") { _, _ in
            state.events.clear()
            return Response(status: .noContent)
        }
        router.post("/runner/emit") { request, _ in
            let body = try await input.jsonObject(request) ?? [:]
            guard let flow = try RequestInput.string(body, "flow") else {
                throw APIError.unprocessable("field 'flow' (string) is required")
            }
            guard !flow.isEmpty, flow.unicodeScalars.count <= 200, !flow.contains(where: { $0.isNewline }) else {
                throw APIError.badRequest("invalid_flow", "flow must be 1 to 200 characters without line breaks")
            }
            let defaults = state.config.defaults
            let tenant = try RequestInput.identifier(try RequestInput.string(body, "tenant") ?? defaults.tenant, "tenant")
            let team = try RequestInput.identifier(try RequestInput.string(body, "team") ?? defaults.team, "team")
            let user = try RequestInput.identifier(try RequestInput.string(body, "user"), "user")
            let activity = RunnerActivity(flow: flow, tenant: tenant, team: team, user: user, payload: body["payload"] ?? .null)
            do {
                return JSONResponse.make(try await state.runActivity(activity).orderedJSON)
            } catch let error as RunnerBridgeError {
                throw APIError(.badGateway, "runner_error", "\(error)")
            }
        }
    }
}
