import AsyncHTTPClient
import Foundation
import GreenticTestKit
import NIOCore
import NIOHTTP1

/// A response as tests look at it.
public struct HTTPResult: Sendable {
    public var status: Int
    public var headers: [(String, String)]
    public var body: Data

    public init(status: Int, headers: [(String, String)], body: Data) {
        self.status = status
        self.headers = headers
        self.body = body
    }

    public var text: String { String(decoding: body, as: UTF8.self) }
    public var json: JSONValue? { try? JSONValue.parse(body) }
    public var errorCode: String? { json?.value(atPath: "error.code")?.stringValue }
    public func header(_ name: String) -> String? { headers.first { $0.0.lowercased() == name.lowercased() }?.1 }
}

/// Minimal HTTP calls for tests (AsyncHTTPClient underneath).
public struct HTTPTestClient: Sendable {
    public let base: String

    public init(base: String) {
        self.base = base
    }

    public init(port: Int) {
        self.base = "http://127.0.0.1:\(port)"
    }

    public func send(_ method: HTTPMethod, _ path: String, body: Data? = nil, contentType: String? = "application/json",
                     headers: [(String, String)] = []) async throws -> HTTPResult {
        var request = HTTPClientRequest(url: path.hasPrefix("http") ? path : base + path)
        request.method = method
        if let body {
            if let contentType { request.headers.add(name: "Content-Type", value: contentType) }
            request.body = .bytes(ByteBuffer(bytes: body))
        }
        for (k, v) in headers { request.headers.add(name: k, value: v) }
        let response = try await SharedHTTPClient.client.execute(request, timeout: .seconds(30))
        let collected = try await response.body.collect(upTo: 64 * 1024 * 1024)
        return HTTPResult(status: Int(response.status.code), headers: response.headers.map { ($0.name, $0.value) },
                          body: Data(collected.readableBytesView))
    }

    public func get(_ path: String) async throws -> HTTPResult { try await send(.GET, path) }
    public func delete(_ path: String, json: JSONValue? = nil) async throws -> HTTPResult {
        try await send(.DELETE, path, body: json.map { Data(JSONWriter.compact($0).utf8) }, contentType: json == nil ? nil : "application/json")
    }
    public func post(_ path: String, json: JSONValue? = nil) async throws -> HTTPResult {
        try await send(.POST, path, body: json.map { Data(JSONWriter.compact($0).utf8) })
    }
    public func post(_ path: String, raw: String, contentType: String?) async throws -> HTTPResult {
        try await send(.POST, path, body: Data(raw.utf8), contentType: contentType)
    }
}
