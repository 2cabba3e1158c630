import Foundation
import GreenticHTTP
import GreenticTestKit
import Hummingbird
import HummingbirdCore
import HummingbirdWebSocket
import Logging
import NIOCore

/// The Direct Line WebSocket stream: `GET /v3/directline/conversations/{id}/stream?t=<token>
/// [&watermark=N]` upgrades when the token is valid and bound to that conversation, then sends
/// `{"activities": [...], "watermark": "N"}` frames: first the activities after the watermark,
/// then each new exchange. The socket is closed (code 1008, "token expired") when the token
/// expires. A request that cannot stream gets the JSON error the HTTP routes give (401, 403, 400,
/// 404), upgraded or not.
enum DirectLineStream {
    static func serverBuilder(state: FixtureServerState) -> HTTPServerBuilder {
        let limits = state.config.http
        let connections = ConnectionCount()
        var http1 = HTTP1Channel.Configuration(httpDecoderConfiguration: .init(
            maxHeaderFieldSize: limits.maxHeaderBytes, maxHeaderListSize: limits.maxHeaderBytes, maxHeaderFieldCount: limits.maxHeaderCount))
        http1.idleTimeout = nil
        let configuration = HTTP1WebSocketUpgradeChannel.Configuration(http1: http1)
        return HTTPServerBuilder { responder in
            GuardedHTTPChannel(inner: HTTP1WebSocketUpgradeChannel(responder: responder, configuration: configuration,
                                                                   shouldUpgrade: shouldUpgrade(state: state, connections: connections)),
                               limits: limits, connections: connections)
        }
    }

    static func shouldUpgrade(state: FixtureServerState, connections: ConnectionCount) -> @Sendable (HTTPRequest, any Channel, Logger) async throws
        -> ShouldUpgradeResult<WebSocketDataHandler<HTTP1WebSocketUpgradeChannel.Context>> {
        { request, channel, _ in
            let target: Target
            do throws(APIError) {
                target = try await Self.target(path: request.path ?? "", headers: request.headerFields, state: state)
            } catch {
                // Hummingbird answers a refused upgrade with an empty 400; the connection's
                // RequestPhaseHandler turns that into this JSON error.
                connections.outcome(of: channel)?.refuseUpgrade(error)
                return .dontUpgrade
            }
            return .upgrade([:]) { inbound, outbound, _ in
                guard let subscription = await state.webchat.conversations.subscribe(target.conversation, after: target.watermark) else { return }
                do {
                    try await withThrowingTaskGroup(of: Void.self) { group in
                        group.addTask { for try await _ in inbound {} }
                        group.addTask {
                            for await frame in subscription.stream { try await outbound.write(.text(JSONWriter.compact(frame))) }
                        }
                        group.addTask {
                            let left = target.expires + state.webchat.signer.leeway - Int(Date().timeIntervalSince1970)
                            try await Task.sleep(for: .seconds(max(0, left)))
                            try await outbound.close(.policyViolation, reason: "token expired")
                        }
                        try await group.next()
                        group.cancelAll()
                    }
                } catch {}
                await state.webchat.conversations.unsubscribe(target.conversation, token: subscription.token)
            }
        }
    }

    /// What a stream request may stream.
    struct Target {
        var conversation: String
        var watermark: Int?
        var expires: Int
    }

    /// Checks a stream request, upgraded or not, as the HTTP routes check theirs: the token (`t`,
    /// else `Authorization: Bearer`) must be valid and bound to this conversation (401/403), the
    /// watermark a non-negative integer (400), the conversation known (404).
    static func target(path: String, headers: HTTPFields, state: FixtureServerState) async throws(APIError) -> Target {
        let split = path.split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false)
        let route = String(split[0])
        let parts = route.split(separator: "/")
        guard parts.count == 5, parts[0] == "v3", parts[1] == "directline", parts[2] == "conversations", parts[4] == "stream" else {
            throw APIError(.notFound, "not_found", "no WebSocket at \(route.prefix(200)); streams are at /v3/directline/conversations/{id}/stream")
        }
        let conversation = String(parts[3]).removingPercentEncoding ?? String(parts[3])
        let query = try RequestInput.query(split.count > 1 ? String(split[1]) : nil)
        let signer = state.webchat.signer
        let claims: DirectLineClaims
        do throws(DirectLineTokenError) {
            if let token = query["t"] {
                claims = try signer.verify(token)
            } else {
                switch BearerCredential.token(in: headers) {
                case nil: throw .missing
                case .failure(let malformed)?: throw .invalid("\(malformed)")
                case .success(let token)?: claims = try signer.verify(token)
                }
            }
        } catch {
            throw DirectLineRoutes.refused(error)
        }
        try DirectLineRoutes.check(claims, conversation: conversation)
        let watermark = try DirectLineRoutes.watermark(query["watermark"])
        guard await state.webchat.conversations.context(of: conversation) != nil else { throw DirectLineRoutes.unknownConversation(conversation) }
        return Target(conversation: conversation, watermark: watermark, expires: claims.expires)
    }
}
