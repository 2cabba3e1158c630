import ArgumentParser
import Foundation
import GreenticFixtureServer
import GreenticTestKit
import Simulators

/// `greentic-integration packs list`: List packs resolved for a tenant/team/user.
struct PacksList: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "list", abstract: "List packs resolved for a tenant/team/user.")

    @OptionGroup var options: ConfigOptions
    @Option var tenant: String?
    @Option var team: String?
    @Option var user: String?
    @Flag(name: .long, help: "Print the listing as JSON on stdout.") var json = false

    func run() async throws {
        let config = try options.load()
        let index: PackIndex
        do { index = try PackIndex.build(root: config.packsRoot) } catch { throw CLIError(message: "\(error)") }
        let tenant = try CLIInput.identifier(self.tenant, option: "tenant") ?? config.defaults.tenant
        let resolution = index.resolve(tenant: tenant, team: try CLIInput.identifier(team, option: "team") ?? config.defaults.team,
                                       user: try CLIInput.identifier(user, option: "user"))
        if json {
            StandardOutput.line(JSONWriter.pretty(resolution.listingJSON))
            return
        }
        if resolution.packs.isEmpty {
            StandardOutput.line("No packs found under \(index.root)")
            return
        }
        if !resolution.resolvedKeys.isEmpty {
            StandardOutput.line("Resolved keys: \(resolution.resolvedKeys.joined(separator: ", "))")
        } else if tenant != nil {
            StandardOutput.line("No overrides matched; showing all packs.")
        }
        if !resolution.missingKeys.isEmpty { StandardOutput.line("Missing overrides: \(resolution.missingKeys.joined(separator: ", "))") }
        StandardOutput.line("Discovered \(resolution.packs.count) pack(s):")
        for p in resolution.packs { StandardOutput.line("- \(p.id) (\(p.name ?? "unnamed")) [\(p.kind ?? "unknown")] @ \(p.path)") }
    }
}
