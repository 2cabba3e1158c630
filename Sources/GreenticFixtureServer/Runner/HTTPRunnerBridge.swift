import AsyncHTTPClient
import Foundation
import GreenticTestKit
import NIOCore

/// Forwards activities and reloads to a runner over HTTP (`POST <base>/runner/activity`,
/// `POST <base>/runner/reload`) with a bounded timeout. The runner's JSON answer is the
/// activity's result; a status of 400 or more, a transport error or a timeout is an error.
package struct HTTPRunnerBridge: RunnerBridge {
    public let baseURL: String
    public let timeout: Duration
    public var description: String { baseURL }

    public init(baseURL: String, timeout: Duration = .seconds(10)) {
        var base = baseURL
        while base.hasSuffix("/") { base.removeLast() }
        self.baseURL = base
        self.timeout = timeout
    }

    public func activity(_ request: RunnerActivity) async throws -> JSONValue {
        let body = try await post("/runner/activity", JSONWriter.compact(request.json))
        do {
            return try JSONValue.parse(body)
        } catch {
            throw RunnerBridgeError.invalidAnswer("runner at \(baseURL) answered with invalid JSON: \(String(decoding: body.prefix(200), as: UTF8.self))")
        }
    }

    public func reload(packs: [PackEntry], defaults: TenantDefaults) async throws {
        let payload: JSONValue = [
            "defaults": ["team": defaults.team.map { .string($0) } ?? .null, "tenant": defaults.tenant.map { .string($0) } ?? .null],
            "packs": .array(packs.map {
                ["id": .string($0.id), "kind": $0.kind.map { .string($0) } ?? .null,
                 "name": $0.name.map { .string($0) } ?? .null, "path": .string($0.path)]
            }),
        ]
        _ = try await post("/runner/reload", JSONWriter.compact(payload))
    }

    private func post(_ path: String, _ json: String) async throws -> Data {
        let url = baseURL + path
        var request = HTTPClientRequest(url: url)
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "application/json")
        request.body = .bytes(ByteBuffer(string: json))
        // A refused connection would otherwise be retried until the deadline: fail fast.
        if let components = URLComponents(string: url), let host = components.host {
            let port = components.port ?? (components.scheme == "https" ? 443 : 80)
            do { try await ProbeClient.connect(host: host, port: port, timeout: min(timeout, .seconds(3))) } catch {
                throw RunnerBridgeError.unreachable(url: url, reason: "\(error)")
            }
        }
        let response: HTTPClientResponse
        do {
            response = try await SharedHTTPClient.client.execute(request, timeout: .nanoseconds(max(1_000_000, timeout.wholeNanoseconds)))
        } catch let error as HTTPClientError where error == .deadlineExceeded || error == .readTimeout {
            throw RunnerBridgeError.timedOut(url: url, after: timeout)
        } catch {
            throw RunnerBridgeError.unreachable(url: url, reason: "\(error)")
        }
        let body = try await response.body.collect(upTo: 8 * 1024 * 1024)
        let data = Data(body.readableBytesView)
        guard response.status.code < 400 else {
            throw RunnerBridgeError.failed(url: url, status: Int(response.status.code), body: String(decoding: data, as: UTF8.self))
        }
        return data
    }
}
