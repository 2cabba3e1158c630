import Foundation
import GreenticTestKit

/// Starts `greentic-integration serve` as a process inside a TestEnv, isolated from any user
/// config, with its session file and packs in the test folder.
public enum ServerHarness {
    public struct Started: Sendable {
        public var client: HTTPTestClient
        public var process: ServiceProcess
        public var packs: URL
        public var sessionFile: URL
        public var port: Int

        public init(client: HTTPTestClient, process: ServiceProcess, packs: URL, sessionFile: URL, port: Int) {
            self.client = client
            self.process = process
            self.packs = packs
            self.sessionFile = sessionFile
            self.port = port
        }
    }

    public static func start(_ env: TestEnv, name: String = "fixture-server", packs: URL? = nil, arguments: [String] = [],
                      environment: [String: String] = [:], writePacks: Bool = true) async throws -> Started {
        let root = env.directory.artifacts
        let packsRoot = packs ?? root.appendingPathComponent("packs")
        if packs == nil && writePacks && !FileManager.default.fileExists(atPath: packsRoot.path) {
            try PackWriter.write(root: packsRoot, id: "zeta-pack", name: "Zeta")
            try PackWriter.write(root: packsRoot, id: "alpha-pack", name: "Alpha", kind: nil)
            try PackWriter.write(root: packsRoot, id: "acme", name: "Acme override")
        }
        let sessionFile = root.appendingPathComponent("\(name)-sessions.json")
        var env2 = ["XDG_CONFIG_HOME": root.appendingPathComponent("xdg").path,
                    "GREENTIC_STORES__SESSION__FILE_PATH": sessionFile.path]
        env2.merge(environment) { _, new in new }
        let process = try await env.start(.fixtureServer(name: name, arguments: ["--packs", packsRoot.path] + arguments,
                                                         environment: env2, workingDirectory: root))
        let port = Int(process.capture("port") ?? "") ?? 0
        return Started(client: HTTPTestClient(port: port), process: process, packs: packsRoot, sessionFile: sessionFile, port: port)
    }
}
