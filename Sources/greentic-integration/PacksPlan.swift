import ArgumentParser
import Foundation
import GreenticFixtureServer
import GreenticTestKit
import Simulators

/// `greentic-integration packs plan`: Print the inferred deployment plan of a pack as JSON on stdout.
struct PacksPlan: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "plan", abstract: "Print the inferred deployment plan of a pack as JSON on stdout.",
        discussion: "Without --pack-id the first pack in id order is used. The tenant defaults to [defaults].tenant, then [packs].default_tenant."
    )

    @OptionGroup var options: ConfigOptions
    @Option var environment = "dev"
    @Option var tenant: String?
    @Option(name: .customLong("pack-id")) var packID: String?
    @Flag var pretty = false

    func run() async throws {
        let config = try options.load()
        let tenant = try CLIInput.identifier(self.tenant, option: "tenant") ?? config.defaults.tenant ?? config.defaultPlanTenant
        let packID = try CLIInput.identifier(self.packID, option: "pack-id")
        let index: PackIndex
        do { index = try PackIndex.build(root: config.packsRoot) } catch { throw CLIError(message: "\(error)") }
        let resolved = index.resolve(tenant: tenant, team: config.defaults.team, user: nil).packs
        guard !resolved.isEmpty else { throw CLIError(message: "\(PlanError.noPacks(root: index.root))") }
        let entry: PackEntry
        if let packID {
            guard let found = resolved.first(where: { $0.id == packID }) else { throw CLIError(message: "\(PlanError.packNotFound(packID))") }
            entry = found
        } else {
            entry = resolved[0]
        }
        do {
            let plan = try DeploymentPlanner.plan(packDirectory: entry.path, runnerName: entry.id, tenant: tenant, environment: environment)
            StandardOutput.line(pretty ? JSONWriter.pretty(plan) : JSONWriter.compact(plan))
        } catch {
            throw CLIError(message: "\(error)")
        }
    }
}
