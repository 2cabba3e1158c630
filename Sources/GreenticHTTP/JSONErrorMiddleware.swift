import GreenticTestKit
import Hummingbird
import NIOCore

/// Turns every error into a JSON error body: API errors as they are, routing misses into 404
/// (405 with `Allow` when the path is known and the method is not), body size errors into 413,
/// anything else into 500 (logged).
package struct JSONErrorMiddleware<Context: RequestContext>: RouterMiddleware {
    package var allowed: AllowedMethods

    package init(allowed: AllowedMethods) {
        self.allowed = allowed
    }

    /// After 408 or 413 the rest of the body is not read: the connection closes with the answer.
    package static func closingIfUnread(_ response: Response) -> Response {
        guard response.status == .contentTooLarge || response.status == .requestTimeout else { return response }
        var closing = response
        closing.headers[.connection] = "close"
        return closing
    }

    package func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch let error as APIError {
            return Self.closingIfUnread(JSONResponse.make(.value(error.body), status: error.status))
        } catch is NIOTooManyBytesError {
            let e = APIError(.contentTooLarge, "body_too_large", "the request body exceeds the limit")
            return Self.closingIfUnread(JSONResponse.make(.value(e.body), status: e.status))
        } catch let error as HTTPError {
            let code: String
            let message: String
            if error.status == .notFound {
                let methods = allowed.methods(for: request.uri.path)
                if !methods.isEmpty {
                    var response = JSONResponse.make(.value(APIError(.methodNotAllowed, "method_not_allowed",
                                                                     "\(request.method) is not allowed on \(request.uri.path); use \(methods.joined(separator: ", "))").body),
                                                     status: .methodNotAllowed)
                    response.headers[.allow] = methods.joined(separator: ", ")
                    return response
                }
            }
            switch error.status {
            case .notFound: (code, message) = ("not_found", "no route for \(request.method) \(request.uri.path)")
            case .methodNotAllowed: (code, message) = ("method_not_allowed", "\(request.method) is not allowed on \(request.uri.path)")
            case .contentTooLarge: (code, message) = ("body_too_large", "the request body exceeds the limit")
            default: (code, message) = ("http_error", error.body ?? "\(error.status)")
            }
            return JSONResponse.make(.value(APIError(error.status, code, message).body), status: error.status)
        } catch {
            context.logger.error("unhandled error on \(request.method) \(request.uri.path): \(error)")
            let e = APIError(.internalServerError, "internal_error", "\(error)")
            return JSONResponse.make(.value(e.body), status: e.status)
        }
    }
}
