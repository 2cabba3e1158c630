import NIOCore
import NIOPosix

/// TCP with `TCP_NODELAY` on NIO's shared event loops.
package struct NATSTCPConnector: NATSConnector {
    package init() {}

    package func connect(host: String, port: Int, timeout: Duration,
                 initializer: @escaping @Sendable (any Channel) -> EventLoopFuture<Void>) async throws -> any Channel {
        try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .connectTimeout(timeout.timeAmount)
            .channelOption(.socketOption(.tcp_nodelay), value: 1)
            .channelInitializer(initializer)
            .connect(host: host, port: port).get()
    }
}
