import AsyncHTTPClient
import Foundation
import GreenticTestKit
import NIOCore
import NIOHTTP1

/// Calls a running fixture server for the CLI: URL-encoded queries, JSON bodies, and errors as
/// one line naming the URL and the server's JSON error message.
struct ServerClient {
    let base: String

    init(_ server: String) {
        var b = server
        while b.hasSuffix("/") { b.removeLast() }
        base = b
    }

    func url(_ path: String, query: [(String, String?)] = []) -> String {
        var components = URLComponents()
        let items = query.compactMap { name, value in value.map { URLQueryItem(name: name, value: $0) } }
        components.queryItems = items.isEmpty ? nil : items
        let q = components.percentEncodedQuery.map { "?" + $0.replacingOccurrences(of: "+", with: "%2B") } ?? ""
        return base + path + q
    }

    func call(_ method: HTTPMethod, _ path: String, query: [(String, String?)] = [], json: JSONValue? = nil) async throws -> JSONValue? {
        let target = url(path, query: query)
        var request = HTTPClientRequest(url: target)
        request.method = method
        if let token = ProcessInfo.processInfo.environment["GREENTIC_SERVER__AUTH_TOKEN"], !token.isEmpty {
            request.headers.add(name: "Authorization", value: "Bearer \(token)")
        }
        if let json {
            request.headers.add(name: "Content-Type", value: "application/json")
            request.body = .bytes(ByteBuffer(string: JSONWriter.compact(json)))
        }
        if let components = URLComponents(string: target), let host = components.host {
            let port = components.port ?? (components.scheme == "https" ? 443 : 80)
            do { try await ProbeClient.connect(host: host, port: port, timeout: .seconds(5)) } catch {
                throw CLIError(message: "failed to \(method) \(target): cannot connect (\(error))")
            }
        }
        let response: HTTPClientResponse
        do {
            response = try await SharedHTTPClient.client.execute(request, timeout: .seconds(30))
        } catch {
            throw CLIError(message: "failed to \(method) \(target): \(error)")
        }
        let body = try await response.body.collect(upTo: 64 * 1024 * 1024)
        let data = Data(body.readableBytesView)
        let parsed = data.isEmpty ? nil : try? JSONValue.parse(data)
        guard response.status.code < 400 else {
            let detail = parsed?.value(atPath: "error.message")?.stringValue ?? String(decoding: data.prefix(300), as: UTF8.self)
            throw CLIError(message: "\(method) \(target) failed with \(response.status.code): \(detail)")
        }
        if !data.isEmpty && parsed == nil {
            throw CLIError(message: "\(method) \(target) answered with invalid JSON")
        }
        return parsed
    }
}

/// The original's Debug rendering of optional strings: `Some("x")` or `None`.
func debugOptional(_ s: String?) -> String {
    guard let s else { return "None" }
    return "Some(\"\(s.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\""))\")"
}

/// Parses a `--payload` value as JSON.
func parsePayload(_ text: String?, what: String) throws -> JSONValue {
    guard let text else { return .null }
    do { return try JSONValue.parse(text) } catch { throw CLIError(message: "invalid JSON payload for \(what)") }
}
