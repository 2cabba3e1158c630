import NIOCore
import NIOPosix

/// Opens one connection's channel with the client's handler installed by `initializer`: TCP in
/// use, an in-memory channel in the handler tests.
package protocol NATSConnector: Sendable {
    func connect(host: String, port: Int, timeout: Duration,
                 initializer: @escaping @Sendable (any Channel) -> EventLoopFuture<Void>) async throws -> any Channel
}
