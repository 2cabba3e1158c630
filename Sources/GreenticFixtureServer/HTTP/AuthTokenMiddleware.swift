import Crypto
import Foundation
import GreenticHTTP
import Hummingbird

/// With `server.auth_token` set, every mutating request (POST, PUT, PATCH, DELETE) must carry
/// `Authorization: Bearer <token>`, and so must reads of sessions and runner events while
/// `server.auth_reads` is on (the default): session context can hold credentials and the event log
/// names conversations. Anything else gets 401 and changes nothing. Health, packs, the OpenAPI
/// document and the WebChat page stay open; the Direct Line routes (`/v3/directline/…`,
/// `/tokens/…`, `/conversations…`) keep their own tokens.
struct AuthTokenMiddleware<Context: RequestContext>: RouterMiddleware {
    let token: String?
    let authReads: Bool

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let path = request.uri.path
        guard let token, !Self.hasOwnAuth(path), request.method != .options else { return try await next(request, context) }
        let mutating = [.post, .put, .patch, .delete].contains(request.method)
        guard mutating || authReads && Self.isGuardedRead(path) else { return try await next(request, context) }
        let what = mutating ? "\(request.method)" : "reading \(path)"
        switch BearerCredential.token(in: request.headers) {
        case nil:
            throw APIError(.unauthorized, "unauthorized", "this server requires Authorization: Bearer <server.auth_token> for \(what)")
        case .failure(let malformed)?:
            throw APIError(.unauthorized, "unauthorized", "\(malformed)")
        case .success(let given)?:
            guard Self.constantTimeEqual(given, token) else {
                throw APIError(.unauthorized, "unauthorized", "the bearer token does not match server.auth_token")
            }
        }
        return try await next(request, context)
    }

    static func hasOwnAuth(_ path: String) -> Bool {
        path.hasPrefix("/v3/directline/") || path.hasPrefix("/tokens/") || path == "/conversations" || path.hasPrefix("/conversations/")
    }

    /// Reads that can expose what clients stored: sessions and the runner's event log.
    static func isGuardedRead(_ path: String) -> Bool {
        path == "/sessions" || path.hasPrefix("/sessions/") || path == "/runner" || path.hasPrefix("/runner/")
    }

    static func constantTimeEqual(_ a: String, _ b: String) -> Bool {
        Data(SHA256.hash(data: Data(a.utf8))) == Data(SHA256.hash(data: Data(b.utf8)))
    }
}
