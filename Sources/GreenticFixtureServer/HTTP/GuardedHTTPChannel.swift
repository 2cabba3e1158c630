import GreenticHTTP
import HummingbirdCore
import HummingbirdWebSocket
import Logging
import NIOCore
import NIOHTTP1
import Synchronization

/// The fixture server's child channel: Hummingbird's HTTP/1 channel with the WebSocket upgrade,
/// behind the connection bound and the `ConnectionGuardHandler` (idle timeout, header deadline,
/// refusals of malformed requests), with the decoder's header limits from `HTTPLimits`.
struct GuardedHTTPChannel: ServerChildChannel {
    typealias Value = HTTP1WebSocketUpgradeChannel.Value

    let inner: HTTP1WebSocketUpgradeChannel
    let limits: HTTPLimits
    let connections: ConnectionCount

    func setup(channel: any Channel, logger: Logger) -> EventLoopFuture<Value> {
        let accepted = connections.open(limit: limits.maxConnections, logger: logger)
        let connections = self.connections
        let outcome = connections.register(channel)
        channel.closeFuture.whenComplete { _ in connections.closed(channel, counted: accepted) }
        // Over the bound the guard answers 503 as soon as the connection is active and passes
        // nothing on: no request of it reaches the routes.
        let refusal = accepted ? nil : ConnectionGuardHandler.Refusal(
            status: 503, code: "too_many_connections", message: "the server has server.max_connections (\(limits.maxConnections)) connections open")
        let guardHandler = ConnectionGuardHandler(limits: limits, logger: logger, outcome: outcome, refusal: refusal)
        do {
            try channel.pipeline.syncOperations.addHandler(guardHandler, position: .first)
        } catch {
            return channel.eventLoop.makeFailedFuture(error)
        }
        return inner.setup(channel: channel, logger: logger).flatMapThrowing { value in
            let operations = channel.pipeline.syncOperations
            let decoder = try operations.handler(type: ByteToMessageHandler<HTTPRequestDecoder>.self)
            let connection = try operations.handler(type: ConnectionGuardHandler.self)
            try operations.addHandler(RequestPhaseHandler(connection: connection, outcome: outcome), position: .after(decoder))
            return value
        }
    }

    func handle(value: Value, logger: Logger) async {
        guard let outcome = connections.outcome(of: value.channel) else { return await inner.handle(value: value, logger: logger) }
        // A connection the guard refused (idle, too slow, malformed) was answered already:
        // Hummingbird's complaint about its unfinished upgrade is not an error of the server.
        var quiet = logger
        quiet.handler = RefusedConnectionLogFilter(inner: logger.handler, outcome: outcome)
        await inner.handle(value: value, logger: quiet)
        // After a refusal the guard half-closed the connection and drains it so the client reads
        // the answer; the server closes the channel when this returns, so wait for the guard.
        if outcome.refused { try? await value.channel.closeFuture.get() }
    }

}
