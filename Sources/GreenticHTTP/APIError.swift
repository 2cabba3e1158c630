import Foundation
import GreenticTestKit
import Hummingbird
import NIOCore

/// An HTTP error with a JSON body: `{"error":{"code":"<snake_case>","message":"<sentence>"}}`.
package struct APIError: Error, HTTPResponseError, CustomStringConvertible {
    public var status: HTTPResponse.Status
    public var code: String
    public var message: String

    public init(_ status: HTTPResponse.Status, _ code: String, _ message: String) {
        self.status = status
        self.code = code
        self.message = message
    }

    public var description: String { "\(status.code) \(code): \(message)" }

    public var body: JSONValue { ["error": ["code": .string(code), "message": .string(message)]] }

    public func response(from request: Request, context: some RequestContext) throws -> Response {
        JSONResponse.make(.value(body), status: status)
    }

    package static func badRequest(_ code: String, _ message: String) -> APIError { APIError(.badRequest, code, message) }
    package static func unprocessable(_ message: String) -> APIError { APIError(.unprocessableContent, "invalid_body", message) }
}
