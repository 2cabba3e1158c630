import NIOCore
import NIOPosix

/// Asks the kernel for a free loopback port, for servers that cannot bind port 0 themselves
/// (Postgres, Redis). Callers retry with another port when the bind then fails.
package enum FreePort {
    public static func pick(host: String = "127.0.0.1") async throws -> Int {
        let channel = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .bind(host: host, port: 0).get()
        let port = channel.localAddress?.port ?? 0
        try await channel.close()
        return port
    }
}
