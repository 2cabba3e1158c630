import Crypto
import Foundation
import Hummingbird

/// With `server.auth_token` set, every mutating request (POST, PUT, PATCH, DELETE) must carry
/// `Authorization: Bearer <token>`, or it gets 401 and changes nothing. Reads stay open, and the
/// Direct Line routes (`/v3/directline/…`, `/tokens/…`, `/conversations…`) keep their own tokens.
struct AuthTokenMiddleware<Context: RequestContext>: RouterMiddleware {
    let token: String?

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard let token, [.post, .put, .patch, .delete].contains(request.method), !Self.hasOwnAuth(request.uri.path) else {
            return try await next(request, context)
        }
        let given = request.headers[.authorization] ?? ""
        guard Self.constantTimeEqual(given, "Bearer \(token)") else {
            throw APIError(.unauthorized, "unauthorized",
                           given.isEmpty ? "this server requires Authorization: Bearer <server.auth_token> for \(request.method)"
                                         : "the bearer token does not match server.auth_token")
        }
        return try await next(request, context)
    }

    static func hasOwnAuth(_ path: String) -> Bool {
        path.hasPrefix("/v3/directline/") || path.hasPrefix("/tokens/") || path == "/conversations" || path.hasPrefix("/conversations/")
    }

    static func constantTimeEqual(_ a: String, _ b: String) -> Bool {
        Data(SHA256.hash(data: Data(a.utf8))) == Data(SHA256.hash(data: Data(b.utf8)))
    }
}
