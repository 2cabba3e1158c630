import GreenticSessions
import GreenticHTTP
import GreenticTestKit
import Hummingbird

/// `GET /healthz` (store, packs and runner status; 503 when the store is down, `degraded` with the
/// store's `problems` when it serves but holds records it cannot read) and `GET /readyz`.
struct HealthRoutes {
    let state: FixtureServerState

    func register(on router: Router<FixtureRequestContext>) {
        router.get("/healthz") { _, _ in try await health() }
        router.get("/readyz") { _, _ in
            let store = await state.store.health()
            let ready = store.ok && !state.packIndex.rootMissing
            return JSONResponse.make(.object([("ready", .bool(ready))]), status: ready ? .ok : .serviceUnavailable)
        }
    }

    func health() async throws -> Response {
        let store = await state.store.health()
        let index = state.packIndex
        let body: OrderedJSON = .object([
            ("status", .string(store.ok && store.problems.isEmpty ? "ok" : "degraded")),
            ("store", .object([("backend", .string(state.store.backendName)), ("ok", .bool(store.ok)), ("detail", .string(store.detail))]
                              + (store.problems.isEmpty ? [] : [("problems", .array(store.problems.map { .string($0) }))]))),
            ("packs", .object([
                ("count", .int(index.entries.count)), ("root", .string(index.root)), ("root_exists", .bool(!index.rootMissing)),
                ("last_reload_error", .string(state.reloadError)),
                ("reloads", .int(state.reloads)), ("watch_polls", .int(state.watchPolls)),
            ])),
            ("runner", .string(state.runner.description)),
        ])
        return JSONResponse.make(body, status: store.ok ? .ok : .serviceUnavailable)
    }
}
