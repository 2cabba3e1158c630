import Foundation
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
/// expires. A request that cannot be upgraded falls through to the HTTP route, which answers
/// with the JSON error.
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
                                                                   shouldUpgrade: shouldUpgrade(state: state)),
                               limits: limits, connections: connections)
        }
    }

    static func shouldUpgrade(state: FixtureServerState) -> @Sendable (HTTPRequest, any Channel, Logger) async throws
        -> ShouldUpgradeResult<WebSocketDataHandler<HTTP1WebSocketUpgradeChannel.Context>> {
        { request, _, _ in
            guard let target = target(of: request.path ?? "", state: state),
                  await state.webchat.conversations.context(of: target.conversation) != nil else { return .dontUpgrade }
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

    /// The conversation and watermark of a valid stream request, nil otherwise.
    static func target(of path: String, state: FixtureServerState) -> (conversation: String, watermark: Int?, expires: Int)? {
        guard let components = URLComponents(string: path) else { return nil }
        let parts = components.path.split(separator: "/")
        guard parts.count == 5, parts[0] == "v3", parts[1] == "directline", parts[2] == "conversations", parts[4] == "stream" else { return nil }
        let conversation = String(parts[3])
        let items = components.queryItems ?? []
        guard let token = items.first(where: { $0.name == "t" })?.value,
              let claims = try? state.webchat.signer.verify(token), claims.conversation == conversation else { return nil }
        var watermark: Int?
        if let raw = items.first(where: { $0.name == "watermark" })?.value, !raw.isEmpty {
            guard let n = Int(raw), n >= 0 else { return nil }
            watermark = n
        }
        return (conversation, watermark, claims.expires)
    }
}
