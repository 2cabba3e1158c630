import Foundation
import GreenticHTTP
import GreenticTestKit
import Hummingbird
import HummingbirdWebSocket
import Logging
import NIOCore
import ServiceLifecycle
import Synchronization

/// The pack & session fixture server: builds the Hummingbird application over a
/// `FixtureServerState`, runs it in-process (tests) or until a signal (CLI), and reports the
/// address it actually bound.
package enum FixtureServer {
    /// The router with every route and the JSON error middleware.
    public static func router(state: FixtureServerState) -> Router<FixtureRequestContext> {
        let router = Router(context: FixtureRequestContext.self)
        if !state.config.corsOrigins.isEmpty { router.add(middleware: CORSAllowListMiddleware(origins: Set(state.config.corsOrigins))) }
        let document = OpenAPIDocument.document(for: state.config)
        router.add(middleware: JSONErrorMiddleware(allowed: AllowedMethods(document: document)))
        router.add(middleware: AuthTokenMiddleware(token: state.config.authToken, authReads: state.config.authReads))
        let input = RequestInput(maxBodyBytes: state.config.maxBodyBytes, bodyTimeout: state.config.http.bodyTimeout)
        HealthRoutes(state: state).register(on: router)
        PackRoutes(state: state, input: input).register(on: router)
        RunnerRoutes(state: state, input: input).register(on: router)
        SessionRoutes(state: state, input: input).register(on: router)
        DirectLineRoutes(state: state, input: input).register(on: router)
        WebChatPage(config: state.config.webchat).register(on: router)
        router.get("/openapi.json") { _, _ in JSONResponse.make(.value(document)) }
        return router
    }

    /// The server's application on `address`: it records the bound port in `state` and then
    /// tells `onBound` (port 0 picks a free one).
    private static func application(state: FixtureServerState, address: ListenAddress, logger: Logger,
                                    onBound: @escaping @Sendable (Int) -> Void) -> some ApplicationProtocol {
        Application(
            router: router(state: state),
            server: DirectLineStream.serverBuilder(state: state),
            configuration: .init(address: .hostname(address.host, port: address.port), serverName: "greentic-fixture-server"),
            onServerRunning: { channel in
                let port = channel.localAddress?.port ?? address.port
                state.didBind(host: address.host, port: port)
                onBound(port)
            },
            logger: logger)
    }

    /// Starts in the background and returns once it listens (port 0 picks a free port).
    public static func start(state: FixtureServerState, logger: Logger? = nil) async throws -> RunningFixtureServer {
        let address = try ListenAddress(parsing: state.config.listenAddress)
        let bound = BoundPort()
        let app = application(state: state, address: address, logger: logger ?? quietLogger()) { bound.set($0) }
        let group = ServiceGroup(configuration: .init(services: [app], logger: logger ?? quietLogger()))
        let task = Task {
            do {
                try await group.run()
                bound.fail(FixtureServerError.exitedBeforeListening)
            } catch {
                bound.fail(error)
                throw error
            }
        }
        let port = try await bound.wait()
        return RunningFixtureServer(host: address.host, port: port, state: state, group: group, task: task)
    }

    /// Runs in the foreground until SIGINT or SIGTERM, logging the bound address to stderr.
    public static func run(state: FixtureServerState, watch: Bool, logger: Logger) async throws {
        let address = try ListenAddress(parsing: state.config.listenAddress)
        let app = application(state: state, address: address, logger: logger) { port in
            logger.notice("\(KitCommandContract.Serve.readyLine(host: address.host, port: port))")
        }
        let watcher = watch ? PackWatcher(state: state, logger: logger) : nil
        try await withThrowingTaskGroup(of: Void.self) { group in
            if let watcher { group.addTask { await watcher.run() } }
            group.addTask { try await app.runService() }
            try await group.next()
            group.cancelAll()
        }
        logger.notice("server shut down cleanly")
    }

    static func quietLogger() -> Logger {
        var logger = Logger(label: "greentic.fixture-server") { StreamLogHandler.standardError(label: $0) }
        logger.logLevel = .warning
        return logger
    }
}
