import ArgumentParser
import Foundation
import GreenticFixtureServer
import GreenticTestKit

/// `greentic-integration serve`: runs the pack & session fixture server.
struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: KitCommandContract.Serve.command,
        abstract: "Run the pack & session fixture server.",
        discussion: """
        Listens on [server].listen_addr (default 127.0.0.1:8080; --listen 127.0.0.1:0 picks a free
        port and logs it). Stops cleanly on Ctrl-C or SIGTERM. Logs go to stderr.
        Configuration: defaults < config file < GREENTIC_* environment (__ separates levels, e.g.
        GREENTIC_STORES__SESSION__BACKEND=memory) < flags.
        """
    )

    @OptionGroup var options: ConfigOptions

    @Option(name: .customLong(KitCommandContract.Serve.Flag.listen.rawValue), help: "Listen address IP:port (overrides [server].listen_addr).")
    var listen: String?

    @Flag(name: .customLong(KitCommandContract.Serve.Flag.watch.rawValue), help: "Reload the pack index when files under the packs root change.")
    var watch = false

    func run() async throws {
        let logger = CLILogging.logger()
        // Many concurrent clients need many descriptors: raise the soft limit to the hard one.
        var limit = rlimit()
        if getrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit) == 0, limit.rlim_cur < limit.rlim_max {
            limit.rlim_cur = limit.rlim_max
            _ = setrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit)
        }
        let config = try options.load(extra: listen.map { ["server": ["listen_addr": .string($0)]] })
        let state: FixtureServerState
        do { state = try FixtureServerState(config: config, logger: logger) } catch {
            throw CLIError(message: "\(error)")
        }
        if getrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit) == 0, 
           limit.rlim_cur < UInt64(config.http.maxConnections + 64) {
            logger.warning("server.max_connections is \(config.http.maxConnections) but this process may open only \(limit.rlim_cur) files (ulimit -n): connections beyond that fail instead of getting 503")
        }
        let index = state.packIndex
        if index.rootMissing { logger.warning("pack root \(config.packsRoot) does not exist; serving an empty index") }
        logger.info("config from \(config.sources.joined(separator: " < ")): \(JSONWriter.compact(config.summaryJSON))")
        logger.info("session store: \(state.store.backendName); packs: \(index.entries.count) under \(index.root); runner: \(state.runner.description)")
        do {
            try await state.runner.reload(packs: index.entries, defaults: config.defaults)
        } catch {
            logger.warning("runner did not accept the initial pack list: \(error)")
        }
        do {
            try await FixtureServer.run(state: state, watch: watch, logger: logger)
        } catch {
            throw CLIError(message: "server failed: \(error)")
        }
    }
}
