import ArgumentParser
import Foundation
import GreenticTestKit

/// `greentic-integration doctor`: what this machine has for the kit's tiers and backends.
struct DoctorCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "doctor", abstract: "Check the prerequisites of the test tiers and infra backends.",
        discussion: """
        Reports the Swift toolchain, nats-server, the Postgres binaries, redis-server, libpq, a Docker
        engine, Chromium, wrk and Python with nats-py and openapi-spec-validator: found (with version and
        path) or missing (with the command that installs it), then which tiers (l0, l1, l2) and infra
        backends (native, compose, external) can run. With --tier, exits 1 when something that tier
        needs is missing. The report goes to stdout (JSON with --json).
        """)

    @Option(help: "Exit 1 when this tier's prerequisites are missing: l0, l1, l2 or all.") var tier: String?
    @Flag(help: "Print the report as JSON.") var json = false

    func run() async throws {
        if let tier, !["l0", "l1", "l2", "all"].contains(tier) { throw ValidationError("--tier must be l0, l1, l2 or all, got '\(tier)'") }
        let doctor = await Doctor.run()
        if json {
            StandardOutput.line(JSONWriter.pretty(doctor.json))
        } else {
            for check in doctor.checks {
                if check.found {
                    StandardOutput.line("ok       \(check.name): \(check.version ?? "version unknown") (\(check.path ?? "?"))")
                } else {
                    let needed = check.tiers.isEmpty ? "optional" : "needed by \(check.tiers.sorted().joined(separator: ", "))"
                    StandardOutput.line("missing  \(check.name) (\(needed)): \(check.install)")
                }
            }
            StandardOutput.line("tiers that can run: \(doctor.runnableTiers.isEmpty ? "none" : doctor.runnableTiers.joined(separator: ", "))")
            StandardOutput.line("infra backends: " + doctor.backends.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value ? "yes" : "no")" }.joined(separator: ", "))
        }
        if let tier {
            let missing = doctor.missing(for: tier)
            if !missing.isEmpty {
                throw CLIError(message: "doctor: tier \(tier) is missing \(missing.map(\.name).joined(separator: ", ")) (install: \(missing.map(\.install).joined(separator: "; ")))")
            }
        }
    }
}
