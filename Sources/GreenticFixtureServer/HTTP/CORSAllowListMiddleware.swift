import GreenticHTTP
import Hummingbird

/// Cross-origin access for the origins in `server.cors_origins` only (none by default, so a web
/// page elsewhere can neither read nor call the server from a browser). An allowed origin is
/// echoed with `Vary: Origin`, on errors too (it runs outside the JSON error middleware); a
/// preflight from any other origin is refused with 403 JSON.
struct CORSAllowListMiddleware<Context: RequestContext>: RouterMiddleware {
    let origins: Set<String>
    static var allowHeaders: String { "Accept, Authorization, Content-Type, Origin" }
    static var allowMethods: String { "GET, POST, DELETE, OPTIONS" }

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard let origin = request.headers[.origin] else { return try await next(request, context) }
        let allowed = origin != "null" && origins.contains(origin)
        if request.method == .options, request.headers[.accessControlRequestMethod] != nil {
            guard allowed else {
                let refusal = APIError(.forbidden, "origin_not_allowed", "origin \(origin) is not in server.cors_origins")
                return JSONResponse.make(.value(refusal.body), status: refusal.status)
            }
            var response = Response(status: .noContent)
            response.headers[.accessControlAllowOrigin] = origin
            response.headers[.accessControlAllowHeaders] = Self.allowHeaders
            response.headers[.accessControlAllowMethods] = Self.allowMethods
            response.headers[.vary] = "Origin"
            return response
        }
        var response = try await next(request, context)
        if allowed {
            response.headers[.accessControlAllowOrigin] = origin
            response.headers[.vary] = "Origin"
        }
        return response
    }
}
