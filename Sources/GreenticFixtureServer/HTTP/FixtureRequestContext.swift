import Hummingbird
import NIOCore

/// The request context of the fixture server's routes: Hummingbird's core storage plus the
/// peer's address, which decides whether an unauthenticated purge of every session is allowed.
package struct FixtureRequestContext: RequestContext, RemoteAddressRequestContext {
    public var coreContext: CoreRequestContextStorage
    public let remoteAddress: SocketAddress?

    public init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        remoteAddress = source.channel.remoteAddress
    }

    /// True when the peer is on this machine (127.0.0.0/8 or ::1, also as a mapped IPv4).
    var isLoopbackPeer: Bool {
        remoteAddress?.ipAddress.map(Self.isLoopback(ip:)) ?? false
    }

    static func isLoopback(ip: String) -> Bool {
        ip.hasPrefix("127.") || ip == "::1" || ip.hasPrefix("::ffff:127.")
    }
}
