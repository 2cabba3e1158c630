import AsyncHTTPClient
import Foundation
import GreenticTestKit
import NIOCore
import NIOHTTP1
import ScenarioDSL

/// The Direct Line contract, checked against any Direct Line-compatible backend over real HTTP
/// and WebSocket: tokens, conversations, activities with watermark paging, token rules, error
/// cases, the stream, and the original's short routes. Each check stops at the first
/// violation, which names the endpoint and the reason. A check needs a bot behind the backend:
/// every message must be answered by at least one bot activity.
public struct DirectLineContract: Sendable {
    /// One named group of checks.
    public enum Check: String, CaseIterable, Sendable, CustomStringConvertible {
        case tokens, conversations, activities, watermarks, tokenRules, errors, stream, shortRoutes
        public var description: String { rawValue }
    }

    /// A broken rule: where and why.
    public struct Violation: Error, CustomStringConvertible, Equatable {
        public var endpoint: String
        public var reason: String
        public var description: String { "\(endpoint): \(reason)" }
    }

    /// What a passed check observed (for callers that assert more, such as the bot's text).
    public struct Observation: Sendable {
        public var botReplies: [String] = []
    }

    public let base: String
    /// Text sent as the user's message (the bot must answer it).
    public var message: String
    public var replyTimeout: Duration

    public init(base: String, message: String = "status of contract-repo", replyTimeout: Duration = .seconds(10)) {
        var b = base
        while b.hasSuffix("/") { b.removeLast() }
        self.base = b
        self.message = message
        self.replyTimeout = replyTimeout
    }

    var dl: String { base + "/v3/directline" }

    public func run(_ check: Check) async throws -> Observation {
        switch check {
        case .tokens: return try await tokens()
        case .conversations: return try await conversations()
        case .activities: return try await activities()
        case .watermarks: return try await watermarks()
        case .tokenRules: return try await tokenRules()
        case .errors: return try await errors()
        case .stream: return try await stream()
        case .shortRoutes: return try await shortRoutes()
        }
    }

    // MARK: Checks

    func tokens() async throws -> Observation {
        let endpoint = "POST /v3/directline/tokens/generate"
        let issued = try await expect(.POST, dl + "/tokens/generate", json: ["user": ["id": "contract-user"]], status: [200], endpoint)
        let token = try string(issued, "token", endpoint)
        guard token.split(separator: ".", omittingEmptySubsequences: false).count == 3 else { throw Violation(endpoint: endpoint, reason: "token is not a JWT (three dot-separated parts)") }
        guard let claims = Self.claims(of: token) else { throw Violation(endpoint: endpoint, reason: "token payload is not base64url JSON") }
        for name in ["iss", "aud", "sub", "exp"] where claims[name] == nil { throw Violation(endpoint: endpoint, reason: "token has no '\(name)' claim") }
        guard claims["sub"] == "contract-user" else { throw Violation(endpoint: endpoint, reason: "sub is \(claims["sub"].map(JSONWriter.compact) ?? "missing"), expected contract-user") }
        guard claims.value(atPath: "ctx.tenant")?.stringValue != nil else { throw Violation(endpoint: endpoint, reason: "token has no ctx.tenant claim") }
        guard claims["conv"] == nil else { throw Violation(endpoint: endpoint, reason: "a generated token must not be bound to a conversation") }
        try positive(issued, "expires_in", endpoint)
        let refreshEndpoint = "POST /v3/directline/tokens/refresh"
        let refreshed = try await expect(.POST, dl + "/tokens/refresh", bearer: token, status: [200], refreshEndpoint)
        guard let fresh = Self.claims(of: try string(refreshed, "token", refreshEndpoint)), fresh["sub"] == "contract-user" else {
            throw Violation(endpoint: refreshEndpoint, reason: "the refreshed token is not for the same user")
        }
        _ = try await expect(.POST, dl + "/tokens/refresh", status: [401], refreshEndpoint + " without a token")
        return Observation()
    }

    func conversations() async throws -> Observation {
        let endpoint = "POST /v3/directline/conversations"
        let token = try await generate()
        let started = try await expect(.POST, dl + "/conversations", json: [:], bearer: token, status: [200, 201], endpoint)
        let id = try string(started, "conversationId", endpoint)
        let bound = try string(started, "token", endpoint)
        guard Self.claims(of: bound)?["conv"]?.stringValue == id else { throw Violation(endpoint: endpoint, reason: "the returned token is not bound to conversation \(id)") }
        let stream = try string(started, "streamUrl", endpoint)
        guard stream.hasPrefix("ws://") || stream.hasPrefix("wss://"), stream.contains(id) else { throw Violation(endpoint: endpoint, reason: "streamUrl '\(stream)' is not a ws(s) URL of the conversation") }
        try positive(started, "expires_in", endpoint)
        _ = try await expect(.POST, dl + "/conversations", json: [:], status: [401], endpoint + " without a token")
        _ = try await expect(.POST, dl + "/conversations", json: [:], bearer: bound, status: [403], endpoint + " with a conversation-bound token")
        return Observation()
    }

    func activities() async throws -> Observation {
        let (id, token) = try await start()
        let endpoint = "POST /v3/directline/conversations/{id}/activities"
        let posted = try await expect(.POST, dl + "/conversations/\(id)/activities",
                                      json: ["type": "message", "from": ["id": "someone-else"], "text": .string(message)], bearer: token, status: [200, 201], endpoint)
        let activityID = try string(posted, "id", endpoint)
        let (list, _) = try await waitForBot(id: id, token: token, after: nil, replyTo: activityID)
        guard let user = list.first(where: { $0["id"]?.stringValue == activityID }) else {
            throw Violation(endpoint: "GET /v3/directline/conversations/{id}/activities", reason: "the posted activity \(activityID) is not listed")
        }
        guard user["text"]?.stringValue == message, user.value(atPath: "from.id")?.stringValue == Self.claims(of: token)?["sub"]?.stringValue else {
            throw Violation(endpoint: endpoint, reason: "the stored activity has the wrong text or a from.id other than the token's user")
        }
        let bots = list.filter { $0.value(atPath: "from.role") == "bot" }
        return Observation(botReplies: bots.compactMap { $0["text"]?.stringValue })
    }

    func watermarks() async throws -> Observation {
        let (id, token) = try await start()
        let endpoint = "GET /v3/directline/conversations/{id}/activities?watermark="
        let first = try await postMessage(id: id, token: token)
        let (_, w1) = try await waitForBot(id: id, token: token, after: nil, replyTo: first)
        let second = try await postMessage(id: id, token: token)
        let (after, w2) = try await waitForBot(id: id, token: token, after: w1, replyTo: second)
        guard let n1 = Int(w1), let n2 = Int(w2), n2 > n1 else { throw Violation(endpoint: endpoint, reason: "watermarks do not increase (\(w1) then \(w2))") }
        guard !after.contains(where: { $0["id"]?.stringValue == first }) else { throw Violation(endpoint: endpoint + w1, reason: "an activity at or before the watermark was returned again") }
        let empty = try await expect(.GET, dl + "/conversations/\(id)/activities?watermark=\(w2)", bearer: token, status: [200], endpoint + w2)
        guard empty["activities"]?.arrayValue?.isEmpty == true, empty["watermark"]?.stringValue == w2 else {
            throw Violation(endpoint: endpoint + w2, reason: "reading at the latest watermark must return no activities and the same watermark")
        }
        let all = try await expect(.GET, dl + "/conversations/\(id)/activities", bearer: token, status: [200], "GET /v3/directline/conversations/{id}/activities")
        guard (all["activities"]?.arrayValue?.count ?? 0) >= 4 else { throw Violation(endpoint: endpoint, reason: "without a watermark the whole history must be returned") }
        return Observation()
    }

    func tokenRules() async throws -> Observation {
        let (a, tokenA) = try await start()
        let (_, tokenB) = try await start()
        let path = dl + "/conversations/\(a)/activities"
        let endpoint = "POST /v3/directline/conversations/{id}/activities"
        let body: JSONValue = ["type": "message", "text": "hello"]
        _ = try await expect(.POST, path, json: body, status: [401], endpoint + " without a token")
        _ = try await expect(.POST, path, json: body, bearer: "not.a.token", status: [401], endpoint + " with a malformed token")
        guard let tampered = Self.tamperedSignature(of: tokenA) else {
            throw Violation(endpoint: "POST /v3/directline/conversations", reason: "the conversation token is not a signed JWT (no signature after its last '.')")
        }
        _ = try await expect(.POST, path, json: body, bearer: tampered, status: [401], endpoint + " with a tampered signature")
        _ = try await expect(.POST, path, json: body, bearer: tokenB, status: [403], endpoint + " with another conversation's token")
        _ = try await expect(.GET, path, bearer: tokenB, status: [403], "GET /v3/directline/conversations/{id}/activities with another conversation's token")
        _ = try await expect(.GET, path, bearer: try await generate(), status: [403], "GET /v3/directline/conversations/{id}/activities with an unbound token")
        return Observation()
    }

    func errors() async throws -> Observation {
        let (id, token) = try await start()
        let path = dl + "/conversations/\(id)/activities"
        let endpoint = "POST /v3/directline/conversations/{id}/activities"
        _ = try await expect(.POST, path, raw: "{not json", bearer: token, status: [400], endpoint + " with malformed JSON")
        _ = try await expect(.POST, path, json: ["type": "message", "text": 42], bearer: token, status: [400], endpoint + " with a number as text")
        _ = try await expect(.POST, path, json: ["type": "message"], bearer: token, status: [400], endpoint + " with an empty message")
        _ = try await expect(.POST, path, json: ["type": "message", "text": .string(String(repeating: "x", count: 2_000_000))], bearer: token,
                             status: [413], endpoint + " with a 2 MB activity")
        _ = try await expect(.GET, path + "?watermark=-3", bearer: token, status: [400], "GET /v3/directline/conversations/{id}/activities?watermark=-3")
        _ = try await expect(.GET, base + "/conversations/conv-does-not-exist/activities", status: [401], "GET /conversations/{unknown}/activities without a token")
        _ = try await expect(.GET, base + "/conversations/conv-does-not-exist/activities", bearer: token, status: [403],
                             "GET /conversations/{unknown}/activities with another conversation's token")
        let list = try await expect(.GET, path, bearer: token, status: [200], "GET /v3/directline/conversations/{id}/activities")
        guard list["activities"]?.arrayValue?.isEmpty == true else { throw Violation(endpoint: endpoint, reason: "a rejected activity was stored") }
        return Observation()
    }

    func stream() async throws -> Observation {
        let token = try await generate()
        let started = try await expect(.POST, dl + "/conversations", json: [:], bearer: token, status: [200, 201], "POST /v3/directline/conversations")
        let id = try string(started, "conversationId", "POST /v3/directline/conversations")
        let bound = try string(started, "token", "POST /v3/directline/conversations")
        let url = try string(started, "streamUrl", "POST /v3/directline/conversations")
        let endpoint = "WS /v3/directline/conversations/{id}/stream"
        let socket: WebSocketSession
        do { socket = try await WebSocketSession.connect(url) } catch { throw Violation(endpoint: endpoint, reason: "\(error)") }
        return try await withAsyncCleanup({
            guard let firstText = await socket.next(timeout: .seconds(5)), let first = try? JSONValue.parse(firstText), first["activities"]?.arrayValue != nil,
                  first["watermark"]?.stringValue != nil else {
                throw Violation(endpoint: endpoint, reason: "no initial {activities, watermark} frame within 5 s")
            }
            let posted = try await postMessage(id: id, token: bound)
            var sawUser = false
            var bot: String?
            let deadline = ContinuousClock.now + replyTimeout
            while bot == nil, ContinuousClock.now < deadline {
                guard let text = await socket.next(timeout: deadline - ContinuousClock.now) else { break }
                guard let frame = try? JSONValue.parse(text), let activities = frame["activities"]?.arrayValue, frame["watermark"]?.stringValue != nil else {
                    throw Violation(endpoint: endpoint, reason: "a frame is not {activities, watermark}: \(text.prefix(200))")
                }
                for a in activities {
                    if a["id"]?.stringValue == posted { sawUser = true }
                    if a.value(atPath: "from.role") == "bot", a["replyToId"]?.stringValue == posted { bot = a["text"]?.stringValue ?? "" }
                }
            }
            guard sawUser, let bot else { throw Violation(endpoint: endpoint, reason: "the posted activity and the bot's reply were not pushed within \(replyTimeout)") }
            if let bad = try? await WebSocketSession.connect(dl + "/conversations/\(id)/stream?t=not-a-token".replacingOccurrences(of: "http", with: "ws"), timeout: .seconds(3)) {
                await bad.close()
                throw Violation(endpoint: endpoint, reason: "a stream with an invalid token was accepted")
            }
            return Observation(botReplies: [bot])
        }, cleanup: { await socket.close() })
    }

    func shortRoutes() async throws -> Observation {
        let issued = try await expect(.POST, base + "/tokens/generate", json: ["user": "smoke-user"], status: [200], "POST /tokens/generate")
        _ = try string(issued, "token", "POST /tokens/generate")
        try positive(issued, "expires_in", "POST /tokens/generate")
        let started = try await expect(.POST, base + "/conversations", json: ["tenant": "tenant-alpha"], status: [200], "POST /conversations")
        let id = try string(started, "conversationId", "POST /conversations")
        _ = try string(started, "streamUrl", "POST /conversations")
        try positive(started, "expires_in", "POST /conversations")
        let bound = try string(started, "token", "POST /conversations")
        let activity: JSONValue = ["type": "message", "from": ["id": "user"], "text": "hi"]
        let path = base + "/conversations/\(id)/activities"
        let endpoint = "POST /conversations/{id}/activities"
        let posted = try await expect(.POST, path, json: activity, bearer: bound, status: [202], endpoint)
        guard posted["accepted"] == true, posted["id"]?.stringValue != nil else {
            throw Violation(endpoint: endpoint, reason: "expected {id, type, accepted: true}")
        }
        // The short routes guard a conversation as the /v3 ones do: its bound token, nothing else.
        let other = try string(try await expect(.POST, base + "/conversations", json: [:], status: [200], "POST /conversations"), "token", "POST /conversations")
        _ = try await expect(.POST, path, json: activity, status: [401], endpoint + " without a token")
        _ = try await expect(.POST, path, json: activity, bearer: other, status: [403], endpoint + " with another conversation's token")
        _ = try await expect(.GET, path, status: [401], "GET /conversations/{id}/activities without a token")
        _ = try await expect(.GET, path, bearer: other, status: [403], "GET /conversations/{id}/activities with another conversation's token")
        let transcript = try await expect(.GET, path, bearer: bound, status: [200], "GET /conversations/{id}/activities")
        let users = transcript["activities"]?.arrayValue?.filter { $0.value(atPath: "from.role") == "user" } ?? []
        guard users.count == 1 else {
            throw Violation(endpoint: "GET /conversations/{id}/activities", reason: "expected the one accepted user activity, found \(users.count)")
        }
        return Observation()
    }

    // MARK: Helpers

    /// The token with the first character of its signature flipped (the last one may only carry
    /// padding bits), or nil when the token has no signature to tamper with.
    package static func tamperedSignature(of token: String) -> String? {
        guard let dot = token.lastIndex(of: "."), token.index(after: dot) < token.endIndex else { return nil }
        let signatureStart = token.index(after: dot)
        var tampered = token
        tampered.replaceSubrange(signatureStart...signatureStart, with: token[signatureStart] == "A" ? "B" : "A")
        return tampered
    }

    func generate() async throws -> String {
        try string(try await expect(.POST, dl + "/tokens/generate", json: [:], status: [200], "POST /v3/directline/tokens/generate"), "token",
                   "POST /v3/directline/tokens/generate")
    }

    func start() async throws -> (id: String, token: String) {
        let started = try await expect(.POST, dl + "/conversations", json: [:], bearer: try await generate(), status: [200, 201], "POST /v3/directline/conversations")
        return (try string(started, "conversationId", "POST /v3/directline/conversations"), try string(started, "token", "POST /v3/directline/conversations"))
    }

    func postMessage(id: String, token: String) async throws -> String {
        let endpoint = "POST /v3/directline/conversations/{id}/activities"
        return try string(try await expect(.POST, dl + "/conversations/\(id)/activities", json: ["type": "message", "text": .string(message)],
                                           bearer: token, status: [200, 201], endpoint), "id", endpoint)
    }

    /// Polls the activities after `after` until a bot activity replying to `replyTo` appears.
    func waitForBot(id: String, token: String, after: String?, replyTo: String) async throws -> ([JSONValue], String) {
        let endpoint = "GET /v3/directline/conversations/{id}/activities"
        let deadline = ContinuousClock.now + replyTimeout
        var collected: [JSONValue] = []
        var watermark = after
        while true {
            let page = try await expect(.GET, dl + "/conversations/\(id)/activities" + (watermark.map { "?watermark=\($0)" } ?? ""), bearer: token, status: [200], endpoint)
            guard let list = page["activities"]?.arrayValue, let next = page["watermark"]?.stringValue else {
                throw Violation(endpoint: endpoint, reason: "expected {activities: [...], watermark: \"N\"}")
            }
            collected += list
            watermark = next
            if collected.contains(where: { $0.value(atPath: "from.role") == "bot" && $0["replyToId"]?.stringValue == replyTo }) { return (collected, next) }
            guard ContinuousClock.now < deadline else { throw Violation(endpoint: endpoint, reason: "no bot activity replying to \(replyTo) within \(replyTimeout)") }
            try await Task.sleep(for: .milliseconds(100))
        }
    }

    func expect(_ method: HTTPMethod, _ url: String, json: JSONValue? = nil, raw: String? = nil, bearer: String? = nil, status: Set<Int>,
                _ endpoint: String) async throws -> JSONValue {
        var request = HTTPClientRequest(url: url)
        request.method = method
        request.headers.add(name: "Accept", value: "application/json")
        if let bearer { request.headers.add(name: "Authorization", value: "Bearer \(bearer)") }
        if let body = raw ?? json.map(JSONWriter.compact) {
            request.headers.add(name: "Content-Type", value: "application/json")
            request.body = .bytes(ByteBuffer(string: body))
        }
        let response: HTTPClientResponse
        let bytes: ByteBuffer
        do {
            if let components = URLComponents(string: url), let host = components.host {
                try await ProbeClient.connect(host: host, port: components.port ?? 80, timeout: .seconds(3))
            }
            response = try await SharedHTTPClient.client.execute(request, timeout: .seconds(30))
            bytes = try await response.body.collect(upTo: 16 << 20)
        } catch {
            throw Violation(endpoint: endpoint, reason: "request failed: \(error)")
        }
        let text = String(buffer: bytes)
        guard status.contains(Int(response.status.code)) else {
            throw Violation(endpoint: endpoint, reason: "expected status \(status.sorted().map(String.init).joined(separator: " or ")), got \(response.status.code): \(text.prefix(300))")
        }
        guard let body = try? JSONValue.parse(text) else { throw Violation(endpoint: endpoint, reason: "the body is not JSON: \(text.prefix(200))") }
        if response.status.code >= 400 {
            guard body.value(atPath: "error") != nil else { throw Violation(endpoint: endpoint, reason: "an error answer must carry a JSON 'error'") }
        }
        return body
    }

    func string(_ body: JSONValue, _ name: String, _ endpoint: String) throws -> String {
        guard let s = body[name]?.stringValue, !s.isEmpty else { throw Violation(endpoint: endpoint, reason: "'\(name)' is missing or not a non-empty string") }
        return s
    }

    func positive(_ body: JSONValue, _ name: String, _ endpoint: String) throws {
        guard let n = body[name]?.doubleValue, n > 0 else { throw Violation(endpoint: endpoint, reason: "'\(name)' must be a positive number") }
    }

    /// The decoded payload of a JWT (not verified: the client cannot know the key).
    public static func claims(of token: String) -> JSONValue? {
        let parts = token.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 3 else { return nil }
        var s = parts[1].replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        while s.count % 4 != 0 { s += "=" }
        return Data(base64Encoded: s).flatMap { try? JSONValue.parse($0) }
    }
}
