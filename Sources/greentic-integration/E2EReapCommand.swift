import ArgumentParser
import Foundation
import GreenticTestKit

/// Kills process groups left behind by test runs that died, and removes their temporary data.
struct E2EReapCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "reap",
        abstract: "Kill services left running by dead test runs.",
        discussion: """
        Every service a test run starts is registered under <artifacts>/.reaper. A run whose
        process is gone (killed, crashed) leaves its registrations behind; this command kills
        those process groups and removes their temporary folders. Live runs are never touched.
        Prints a JSON report on stdout.
        """
    )

    @Option(name: .customLong("dir"), help: "Artifacts base folder (default: $E2E_ARTIFACTS_DIR or .build/e2e).")
    var directory: String?

    func run() async throws {
        let base = directory.map { URL(fileURLWithPath: $0) } ?? TestDirectory.base()
        let report = Reaper(artifactsBase: base).reapStale()
        let json: JSONValue = [
            "registry": .string(base.appendingPathComponent(".reaper").path),
            "stale_runs": .array(report.staleRuns.map { .string($0) }),
            "killed_groups": .array(report.killedGroups.map {
                ["pgid": .number(Double($0.pgid)), "name": .string($0.name), "command": .string($0.command)]
            }),
            "removed_paths": .array(report.removedPaths.map { .string($0) }),
        ]
        StandardOutput.line(JSONWriter.pretty(json))
    }
}
