import ArgumentParser
import Foundation
import GreenticFixtureServer
import GreenticTestKit
import Logging

/// `--config` and `--packs`, shared by commands that read the server configuration.
struct ConfigOptions: ParsableArguments {
    @Option(name: .long, help: "TOML config file (default: config/dev.toml, then ~/.config/greentic-integration/config.toml).")
    var config: String?

    @Option(name: .customLong(KitCommandContract.Serve.Flag.packs.rawValue), help: "Packs root folder (overrides [packs].root).")
    var packs: String?

    func load(extra: JSONValue? = nil) throws -> ServerConfig {
        var overrides: JSONValue = .object([:])
        if let packs { overrides = ConfigLayers.merge(overrides, ["packs": ["root": .string(packs)]]) }
        if let extra { overrides = ConfigLayers.merge(overrides, extra) }
        do {
            return try ServerConfig.load(configFile: config, overrides: overrides == .object([:]) ? nil : overrides)
        } catch {
            throw CLIError(message: "\(error)")
        }
    }
}
