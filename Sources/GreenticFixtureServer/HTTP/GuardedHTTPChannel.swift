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

/// Open connections, against `server.max_connections`; logs when the bound is reached and
/// when connections are accepted again.
final class ConnectionCount: Sendable {
    private let state = Mutex<(open: Int, refusing: Bool)>((0, false))

    func open(limit: Int, logger: Logger) -> Bool {
        let (accepted, startedRefusing) = state.withLock { s -> (Bool, Bool) in
            guard s.open < limit else {
                defer { s.refusing = true }
                return (false, !s.refusing)
            }
            s.open += 1
            return (true, false)
        }
        if startedRefusing {
            logger.warning("connection limit reached: \(limit) connections open (server.max_connections); new connections get 503 until some close")
        }
        return accepted
    }

    private let outcomes = Mutex<[ObjectIdentifier: GuardOutcome]>([:])

    func register(_ channel: any Channel) -> GuardOutcome {
        let outcome = GuardOutcome()
        outcomes.withLock { $0[ObjectIdentifier(channel)] = outcome }
        return outcome
    }

    func outcome(of channel: any Channel) -> GuardOutcome? {
        outcomes.withLock { $0[ObjectIdentifier(channel)] }
    }

    func closed(_ channel: any Channel, counted: Bool) {
        outcomes.withLock { $0[ObjectIdentifier(channel)] = nil }
        guard counted else { return }
        state.withLock { s in
            s.open -= 1
            s.refusing = false
        }
    }

    var open: Int { state.withLock { $0.open } }
}

/// Whether the guard refused a connection (set on its event loop, read from the handler task),
/// and why a WebSocket upgrade was refused (set by the upgrade check, read by
/// `RequestPhaseHandler` when Hummingbird answers the refused upgrade).
final class GuardOutcome: Sendable {
    private let flag = Atomic<Bool>(false)
    private let upgradeRefusal = Mutex<APIError?>(nil)
    var refused: Bool { flag.load(ordering: .acquiring) }
    func markRefused() { flag.store(true, ordering: .releasing) }
    func refuseUpgrade(_ error: APIError) { upgradeRefusal.withLock { $0 = error } }
    func takeUpgradeRefusal() -> APIError? { upgradeRefusal.withLock { r in defer { r = nil }; return r } }
}

/// Drops Hummingbird's "Error handling upgrade result" for connections the guard refused; every
/// other message passes.
struct RefusedConnectionLogFilter: LogHandler {
    var inner: any LogHandler
    let outcome: GuardOutcome

    func log(event: LogEvent) {
        if outcome.refused, event.level >= .error, event.message.description == "Error handling upgrade result" { return }
        inner.log(event: event)
    }

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { inner[metadataKey: key] }
        set { inner[metadataKey: key] = newValue }
    }

    var metadata: Logger.Metadata {
        get { inner.metadata }
        set { inner.metadata = newValue }
    }

    var logLevel: Logger.Level {
        get { inner.logLevel }
        set { inner.logLevel = newValue }
    }
}
