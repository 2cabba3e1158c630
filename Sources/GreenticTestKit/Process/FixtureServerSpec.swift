import Foundation

extension ServiceSpec {
    /// The `greentic-integration serve` process on a free loopback port, ready when `/healthz`
    /// answers. The executable is `GREENTIC_INTEGRATION_BIN`, else the one built beside the
    /// running executable, else `.build/debug/greentic-integration`, else `PATH`. Read the
    /// bound port with `capture("port")`.
    ///
    /// Its data stays with the test: the session file is `<data>/sessions.json` (unless
    /// `GREENTIC_STORES__SESSION__FILE_PATH` is given) and the working directory defaults to
    /// `<data>`, where `<data>` is `dataDirectory`, else `artifacts/<name>` of the current
    /// `TestEnv`, else a fresh temporary folder — never a folder shared between tests or runs.
    public static func fixtureServer(name: String = "fixture-server", arguments: [String] = [], environment: [String: String] = [:],
                                     workingDirectory: URL? = nil, dataDirectory: URL? = nil) -> ServiceSpec {
        let data = dataDirectory
            ?? TestEnv.current?.directory.artifacts.appendingPathComponent(NameSanitizer.pathComponent(name, fallback: "fixture-server"))
            ?? URL(fileURLWithPath: NSTemporaryDirectory()).appendingPathComponent("greentic-fixture-\(UUID().uuidString)")
        try? FileManager.default.createDirectory(at: data, withIntermediateDirectories: true)
        var environment = environment
        let sessionFile = KitCommandContract.ConfigKey.sessionFilePath.environmentName
        if environment[sessionFile] == nil {
            environment[sessionFile] = data.appendingPathComponent("sessions.json").path
        }
        var spec = ServiceSpec(
            name: name, executable: GreenticBinaries.integrationCLI(environment: ProcessInfo.processInfo.environment.merging(environment) { $1 }),
            arguments: [KitCommandContract.Serve.command, KitCommandContract.Serve.Flag.listen.argument, "127.0.0.1:0"] + arguments,
            environment: environment, workingDirectory: workingDirectory ?? data,
            readiness: .all([
                .logLine(KitCommandContract.Serve.readyPattern()),
                .http(url: "http://127.0.0.1:${port}/healthz", status: 200),
            ]),
            readinessTimeout: .seconds(30), stopSignal: SIGTERM, stopGrace: .seconds(5))
        spec.isKitExecutable = true
        return spec
    }
}
