import ArgumentParser
import Foundation
import GreenticFixtureServer
import GreenticTestKit
import Simulators

/// `greentic-integration packs …`.
struct PacksCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "packs",
        abstract: "Validate, list, reload and plan packs.",
        subcommands: [PacksValidate.self, PacksList.self, PacksReload.self, PacksPlan.self]
    )
}

struct PacksValidate: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "validate",
        abstract: "Check every pack under the packs root.",
        discussion: "Prints every problem as '<path>: <message>' on stderr and exits 1 if any; else 'Validated N pack(s) successfully.'"
    )

    @OptionGroup var options: ConfigOptions
    @Flag(name: .long, help: "Print the report as JSON on stdout.") var json = false

    func run() async throws {
        let config = try options.load()
        let validator = PackValidator(root: URL(fileURLWithPath: config.packsRoot))
        var report = validator.validate()
        let external = await validator.externalChecks()
        report.errors += external.errors
        for tool in external.ran { FileHandle.standardError.write(Data("ran \(tool) on every pack\n".utf8)) }
        if json {
            StandardOutput.line(JSONWriter.pretty([
                "root": .string(config.packsRoot), "packs": .number(Double(report.packCount)),
                "errors": .array(report.errors.map { .string($0) }), "warnings": .array(report.warnings.map { .string($0) }),
                "valid": .bool(report.isValid),
            ]))
        } else {
            for warning in report.warnings { StandardOutput.line("[warn] \(warning)") }
            for error in report.errors { FileHandle.standardError.write(Data("[error] \(error)\n".utf8)) }
            if report.isValid { StandardOutput.line("Validated \(report.packCount) pack(s) successfully.") }
        }
        if !report.isValid { throw ExitCode(1) }
    }
}

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

struct PacksReload: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "reload", abstract: "Reload packs on a running server, or rebuild the index locally.")

    @OptionGroup var options: ConfigOptions
    @Option(help: "Fixture server URL; without it the index is rebuilt locally.") var server: String?

    func run() async throws {
        if let server {
            let body = try await ServerClient(server).call(.POST, "/packs/reload")
            StandardOutput.line("Server reload succeeded: \(body.map(JSONWriter.compact) ?? "{}")")
            return
        }
        let config = try options.load()
        let index: PackIndex
        do { index = try PackIndex.build(root: config.packsRoot) } catch { throw CLIError(message: "\(error)") }
        StandardOutput.line("Rebuilt pack index with \(index.entries.count) entries under \(index.root)")
        for p in index.entries { StandardOutput.line("- \(p.id) (\(p.name ?? "unnamed")) @ \(p.path)") }
        StandardOutput.line("Note: running servers must call /packs/reload or run with --watch to pick up changes.")
    }
}

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
