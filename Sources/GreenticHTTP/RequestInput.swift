import Foundation
import GreenticTestKit
import Hummingbird
import NIOCore
import NIOHTTP1

/// Reading and validating request input for every HTTP surface (the fixture server's routes and
/// the runner simulator's): JSON bodies (content type, size, syntax, shape) and query parameters
/// (duplicates, identifiers). Every rejection is an `APIError` and nothing is changed by a
/// rejected request.
package struct RequestInput: Sendable {
    package let maxBodyBytes: Int
    /// How long reading a body may take (`server.body_timeout_secs`).
    package var bodyTimeout: Duration

    package init(maxBodyBytes: Int, bodyTimeout: Duration = .seconds(30)) {
        self.maxBodyBytes = maxBodyBytes
        self.bodyTimeout = bodyTimeout
    }

    package struct BodyTimeout: Error {}

    /// The body, or `BodyTimeout` when it is not complete within `within`.
    package static func collect(_ request: inout Request, upTo limit: Int, within: Duration) async throws -> ByteBuffer {
        let body = request.body
        let collected = try await withThrowingTaskGroup(of: ByteBuffer?.self) { group in
            group.addTask { try await body.collect(upTo: limit) }
            group.addTask {
                try await Task.sleep(for: within)
                return nil
            }
            defer { group.cancelAll() }
            guard let first = try await group.next(), let buffer = first else { throw BodyTimeout() }
            return buffer
        }
        request.body = .init(buffer: collected)
        return collected
    }

    /// The JSON object body. Requires `Content-Type: application/json` unless `optional` and
    /// the request has no content type and no body.
    package func jsonObject(_ request: Request, optional: Bool = false) async throws -> [String: JSONValue]? {
        if let length = request.headers[.contentLength].flatMap(Int.init), length > maxBodyBytes {
            throw APIError(.contentTooLarge, "body_too_large", "request body of \(length) bytes exceeds the limit of \(maxBodyBytes) bytes")
        }
        let contentType = request.headers[.contentType]
        var req = request
        let buffer: ByteBuffer
        do {
            buffer = try await Self.collect(&req, upTo: maxBodyBytes, within: bodyTimeout)
        } catch is NIOTooManyBytesError {
            throw APIError(.contentTooLarge, "body_too_large", "request body exceeds the limit of \(maxBodyBytes) bytes")
        } catch is BodyTimeout {
            throw APIError(.requestTimeout, "body_timeout", "the request body did not arrive within server.body_timeout_secs (\(bodyTimeout))")
        } catch let error as HTTPParserError {
            throw APIError.badRequest("malformed_body", "the request body is malformed: \(error.statusAndReason.reason)")
        }
        if contentType == nil && optional && buffer.readableBytes == 0 { return nil }
        guard let contentType, contentType.lowercased().hasPrefix("application/json") else {
            throw APIError(.unsupportedMediaType, "unsupported_media_type", "expected a request with Content-Type: application/json")
        }
        let value: JSONValue
        do {
            value = try JSONValue.parse(Data(buffer.readableBytesView))
        } catch {
            throw APIError.badRequest("malformed_json", "the request body is not valid JSON")
        }
        guard case .object(let object) = value else {
            throw APIError.unprocessable("the request body must be a JSON object, not \(value.typeName)")
        }
        return object
    }

    /// Query parameters; a repeated name is an error.
    package func query(_ request: Request) throws(APIError) -> [String: String] {
        try Self.query(request.uri.query)
    }

    /// Parses a raw query string as forms send it: `+` is a space, `%XX` a byte of UTF-8; a
    /// repeated name or a broken escape is a 400.
    package static func query(_ raw: String?) throws(APIError) -> [String: String] {
        var out: [String: String] = [:]
        for pair in (raw ?? "").split(separator: "&", omittingEmptySubsequences: true) {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            func decode(_ s: Substring) throws(APIError) -> String {
                guard let text = s.replacingOccurrences(of: "+", with: " ").removingPercentEncoding else {
                    throw APIError.badRequest("malformed_query", "the query has an invalid %-escape or is not UTF-8: '\(s.prefix(64))'")
                }
                return text
            }
            let key = try decode(parts[0])
            let value = parts.count > 1 ? try decode(parts[1]) : ""
            if out[key] != nil { throw APIError.badRequest("duplicate_query_parameter", "query parameter '\(key)' is given more than once") }
            out[key] = value
        }
        return out
    }

    /// An optional string field of a body: absent or null → nil; another type → 422.
    package static func string(_ body: [String: JSONValue], _ name: String) throws -> String? {
        switch body[name] {
        case nil, .null?: return nil
        case .string(let s)?: return s
        case let other?: throw APIError.unprocessable("field '\(name)' must be a string, not \(other.typeName)")
        }
    }

    /// ASCII white space, the only white space trimmed from identifiers and keys (the OpenAPI
    /// document's patterns say the same).
    package static let asciiSpace = CharacterSet(charactersIn: " \t\n\u{0B}\u{0C}\r")

    /// Trims ASCII white space; empty → nil.
    package static func trimmed(_ s: String?) -> String? {
        guard let t = s?.trimmingCharacters(in: asciiSpace), !t.isEmpty else { return nil }
        return t
    }

    /// Rejects values outside `[A-Za-z0-9._-]+` with 400.
    package static func identifier(_ value: String?, _ name: String) throws -> String? {
        guard let value else { return nil }
        guard value.count <= 128, NameSanitizer.isValidIdentifier(value) else {
            throw APIError.badRequest("invalid_identifier", "\(name) '\(value.prefix(64))' must match [A-Za-z0-9._-]+ (at most 128 characters)")
        }
        return value
    }

    /// Session keys: 1 to 200 printable characters (Unicode scalars), no `/`.
    package static func sessionKey(_ value: String?) throws -> String? {
        guard let value else { return nil }
        guard value.unicodeScalars.count <= 200, !value.contains("/"),
              value.unicodeScalars.allSatisfy({ $0.value >= 0x20 && $0.value != 0x7F }) else {
            throw APIError.badRequest("invalid_key", "session key must be 1 to 200 printable characters without '/'")
        }
        return value
    }
}
