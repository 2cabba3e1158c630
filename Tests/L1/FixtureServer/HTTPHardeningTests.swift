import Foundation
import GreenticFixtureServer
import GreenticTestKit
import GreenticTestKitTesting
import TestSupport
import Testing

/// Finding 2: idle connections and a 1 byte/s header stayed open for minutes; malformed requests
/// got no reply and were never closed; at the descriptor limit the server stopped answering.
@Suite("HTTP hardening: deadlines, malformed requests, bounded connections", .tags(.server))
struct HTTPHardeningTests {
    static func server(_ env: TestEnv, maxConnections: Int = 512) async throws -> (port: Int, client: HTTPTestClient) {
        let server = try await env.startFixtureServer {
            $0.sessionBackend = .memory
            $0.http = HTTPLimits(idleTimeout: .seconds(2), headerTimeout: .seconds(2), bodyTimeout: .seconds(2), maxConnections: maxConnections,
                                 maxHeaderCount: 100, maxHeaderBytes: 16 * 1024)
        }
        return (server.port, HTTPTestClient(base: server.baseURL))
    }

    static let post = "POST /sessions HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"

    @Test(.testEnv(), arguments: [
        ("HTTP/0.9", "GET /\r\n\r\n", 400),
        ("an unknown method", "FROB /healthz HTTP/1.1\r\nHost: x\r\n\r\n", 400),
        ("a malformed request line", "GET  HTTP/1.1\r\n\r\n", 400),
        ("1,000 headers", "GET /healthz HTTP/1.1\r\nHost: x\r\n" + (0..<1000).map { "X-\($0): y\r\n" }.joined() + "\r\n", 431),
        ("an 80 KB header", "GET /healthz HTTP/1.1\r\nHost: x\r\nX-Big: " + String(repeating: "a", count: 80_000) + "\r\n\r\n", 431),
        ("Content-Length and Transfer-Encoding", post + "Content-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n", 400),
        ("two Content-Lengths", post + "Content-Length: 2\r\nContent-Length: 3\r\n\r\n{}", 400),
        ("an invalid chunk size", post + "Transfer-Encoding: chunked\r\n\r\nZZ\r\n{}\r\n0\r\n\r\n", 400),
        ("a body that stops arriving", post + "Content-Length: 100\r\n\r\n{", 408),
        ("a 100 MB body over the limit", post + "Content-Length: 104857600\r\n\r\n" + String(repeating: "x", count: 65_536), 413),
    ])
    func aMalformedOrStalledRequestGetsAJSONErrorAndTheConnectionCloses(_ what: String, _ request: String, _ status: Int) async throws {
        let env = try TestEnv.required()
        let (port, client) = try await Self.server(env)
        let outcome = try await RawHTTP.exchange(port: port, send: [request], readFor: .seconds(15))
        #expect(outcome.closedByServer, "\(what): the connection stayed open")
        #expect(outcome.status == status, "\(what): \(outcome.text.prefix(200)) (after \(outcome.elapsed), \(outcome.closedByServer ? "closed by the server" : "still open")\(outcome.readError.map { ", read failed: \($0)" } ?? ""))")
        #expect(outcome.text.lowercased().contains("connection: close"), "\(what)")
        let body = try? JSONValue.parse(outcome.body)
        #expect(body?.value(atPath: "error.code")?.stringValue != nil, "\(what): \(outcome.body.prefix(200))")
        #expect(try await client.get("/healthz").status == 200, "the server still answers")
    }

    @Test(.testEnv())
    func idleConnectionsAndASlowHeaderAreClosedWhileHealthStillAnswers() async throws {
        let env = try TestEnv.required()
        let (port, client) = try await Self.server(env)
        let started = ContinuousClock.now
        let (connects, connected) = AsyncStream<Void>.makeStream()
        let held = Task {
            try await withThrowingTaskGroup(of: RawHTTP.Outcome.self) { group in
                for _ in 0..<500 {
                    group.addTask { try await RawHTTP.exchange(port: port, send: [], readFor: .seconds(30), connected: { connected.yield() }) }
                }
                group.addTask {
                    // One byte every 200 ms: never a complete head.
                    try await RawHTTP.exchange(port: port, send: "GET /healthz HTTP/1.1\r\nHost: x\r\nX-Slow: aaaaaaaaaaaaaaaa".map(String.init),
                                               pause: .milliseconds(200), readFor: .seconds(30), connected: { connected.yield() })
                }
                var outcomes: [RawHTTP.Outcome] = []
                for try await outcome in group { outcomes.append(outcome) }
                return outcomes
            }
        }
        // Once all 501 are connected and while they are held, health answers.
        var count = 0
        for await _ in connects {
            count += 1
            if count == 501 { break }
        }
        var latencies: [Duration] = []
        for _ in 0..<5 {
            let t = ContinuousClock.now
            #expect(try await client.get("/healthz").status == 200)
            latencies.append(ContinuousClock.now - t)
        }
        let outcomes = try await held.value
        let idle = outcomes.filter { !$0.text.contains("X-Slow") && $0.status == nil }
        #expect(outcomes.allSatisfy { $0.closedByServer }, "\(outcomes.filter { !$0.closedByServer }.count) connections stayed open")
        #expect(idle.count == 500)
        let slow = outcomes.filter { $0.status != nil }
        #expect(slow.map(\.status) == [408], "the slow header is refused: \(slow.map { $0.text.prefix(80) })")
        // Closed by the deadline (2 s), not by the client's 30 s.
        #expect(outcomes.allSatisfy { $0.elapsed < .seconds(20) }, "\(outcomes.map(\.elapsed).max()!)")
        print("healthz under 500 idle connections and a slow header: \(latencies.map { "\($0)" }.joined(separator: ", ")); all closed by \(ContinuousClock.now - started)")
    }

    @Test(.testEnv())
    func connectionsBeyondTheBoundGet503AndTheServerRecovers() async throws {
        let env = try TestEnv.required()
        let (port, client) = try await Self.server(env, maxConnections: 5)
        // Five keep-alive connections, each answered once (so the server holds them), then idle.
        let (answers, answered) = AsyncStream<Void>.makeStream()
        let holders = (0..<5).map { _ in
            Task { try await RawHTTP.exchange(port: port, send: ["GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n"], readFor: .seconds(10),
                                              answered: { answered.yield() }) }
        }
        var count = 0
        for await _ in answers {
            count += 1
            if count == 5 { break }
        }
        let refused = try await RawHTTP.exchange(port: port, send: ["GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n"], readFor: .seconds(5))
        #expect(refused.status == 503 && refused.body.contains("too_many_connections"), "\(refused.text.prefix(200))")
        #expect(refused.closedByServer)
        for holder in holders {
            let held = try await holder.value
            #expect(held.closedByServer, "closed by the idle timeout")
        }
        #expect(try await client.get("/healthz").status == 200, "once the idle ones are closed, connections are accepted again")
    }
}
