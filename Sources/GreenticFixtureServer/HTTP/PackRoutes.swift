import GreenticHTTP
import GreenticTestKit
import Hummingbird

/// `GET /packs` (resolved for tenant/team/user) and `POST /packs/reload`.
struct PackRoutes {
    let state: FixtureServerState
    let input: RequestInput

    func register(on router: Router<FixtureRequestContext>) {
        router.get("/packs") { request, _ in
            let query = try input.query(request)
            let defaults = state.config.defaults
            let tenant = try RequestInput.identifier(query["tenant"].flatMap(RequestInput.trimmed) ?? defaults.tenant, "tenant")
            let team = try RequestInput.identifier(query["team"].flatMap(RequestInput.trimmed) ?? defaults.team, "team")
            let user = try RequestInput.identifier(query["user"].flatMap(RequestInput.trimmed), "user")
            return JSONResponse.make(state.packIndex.resolve(tenant: tenant, team: team, user: user).listingJSON)
        }
        router.post("/packs/reload") { request, _ in
            // No body is needed; one that is sent must still be a JSON object.
            _ = try await input.jsonObject(request, optional: true)
            let index: PackIndex
            do { index = try state.reloadPacks() } catch {
                throw APIError(.internalServerError, "pack_index_error", "\(error) (the previous index is kept)")
            }
            do {
                try await state.runner.reload(packs: index.entries, defaults: state.config.defaults)
            } catch {
                throw APIError(.badGateway, "runner_error", "packs reloaded, but the runner refused the reload: \(error)")
            }
            let defaults = state.config.defaults
            return JSONResponse.make(index.resolve(tenant: defaults.tenant, team: defaults.team, user: nil).listingJSON)
        }
    }
}
