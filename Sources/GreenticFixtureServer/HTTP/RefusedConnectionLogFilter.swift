import GreenticHTTP
import HummingbirdCore
import HummingbirdWebSocket
import Logging
import NIOCore
import NIOHTTP1
import Synchronization

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
