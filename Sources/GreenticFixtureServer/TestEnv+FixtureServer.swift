import Foundation
import GreenticTestKit

extension TestEnv {
    /// Starts the fixture server inside this process on a free loopback port, with its session
    /// file and (unless given) an empty packs folder in the test's artifacts; it stops when the
    /// environment ends. `configure` adjusts the configuration first.
    public func startFixtureServer(packsRoot: URL? = nil,
                                   configure: (inout ServerConfig) -> Void = { _ in }) async throws -> RunningFixtureServer {
        let packs = packsRoot ?? directory.artifacts.appendingPathComponent("packs")
        try FileManager.default.createDirectory(at: packs, withIntermediateDirectories: true)
        var config = try ServerConfig.load(environment: [:], overrides: [
            "server": ["listen_addr": "127.0.0.1:0"],
            "packs": ["root": .string(packs.path)],
            "stores": ["session": ["file_path": .string(directory.artifacts.appendingPathComponent("sessions.json").path)]],
        ], workingDirectory: directory.root.path)
        configure(&config)
        let state = try FixtureServerState(config: config)
        let server = try await FixtureServer.start(state: state)
        log("fixture server (in-process) listening on \(server.baseURL)")
        timeline.append(kind: "service", source: "fixture-server", data: ["event": "ready", "url": .string(server.baseURL), "in_process": true])
        addTeardown { await server.stop() }
        return server
    }
}
