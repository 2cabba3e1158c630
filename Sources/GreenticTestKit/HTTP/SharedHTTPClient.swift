import AsyncHTTPClient
import NIOCore

/// The one HTTP client the kit, its tools and its tests send with. Its pooled connections are
/// retired after 15 s idle, before the fixture server would close them (it closes a connection
/// idle for 60 s by default; the simulators keep theirs), so a request is never written
/// onto a keep-alive connection the server is closing at that moment. `HTTPClient.shared` keeps
/// idle connections for 60 s as well, and a request sent after a minute's pause (a long external
/// check between two calls) raced the server's close and failed with "I/O on closed channel".
package enum SharedHTTPClient {
    /// How long an unused pooled connection is kept; shorter than the fixture server's idle timeout.
    package static let idleTimeout: Duration = .seconds(15)

    package static let client: HTTPClient = {
        var configuration = HTTPClient.Configuration()
        configuration.connectionPool = .init(idleTimeout: idleTimeout.timeAmount)
        return HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
    }()
}
