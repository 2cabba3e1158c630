import Foundation
import GreenticHTTP
import GreenticTestKit
import Hummingbird
import HummingbirdWebSocket
import Logging
import NIOCore
import ServiceLifecycle
import Synchronization

/// A fixture server running in this process.
public final class RunningFixtureServer: Sendable {
    public let host: String
    public let port: Int
    package let state: FixtureServerState
    private let group: ServiceGroup
    private let task: Task<Void, any Error>

    init(host: String, port: Int, state: FixtureServerState, group: ServiceGroup, task: Task<Void, any Error>) {
        self.host = host
        self.port = port
        self.state = state
        self.group = group
        self.task = task
    }

    public var baseURL: String { "http://\(host.contains(":") ? "[\(host)]" : host):\(port)" }

    /// Shuts down gracefully (open requests finish) and waits.
    public func stop() async {
        await group.triggerGracefulShutdown()
        _ = try? await task.value
    }
}
