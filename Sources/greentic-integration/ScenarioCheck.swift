import ArgumentParser
import Foundation
import GreenticTestKit
import ScenarioDSL
import Synchronization

/// `greentic-integration scenario check FILE…`: loads each file as `scenario run` would, without
/// connecting to anything.
struct ScenarioCheck: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check", abstract: "Load scenario files (YAML or JSON, version 1) and report the first problem of each.",
        discussion: "Prints 'ok FILE: NAME (N steps)' on stdout for each file that loads, and 'FILE: problem' on stderr for each that does not (unknown step kinds and keys are problems naming the line). Exits 1 if any file did not load."
    )

    @Argument(help: "Scenario files.") var files: [String]

    func run() throws {
        var failed = 0
        for file in files {
            do {
                let scenario = try ScenarioFile.load(path: file)
                StandardOutput.line("ok \(file): \(scenario.name) (\(scenario.steps.count) steps)")
            } catch {
                failed += 1
                FileHandle.standardError.write(Data("\(file): \(error)\n".utf8))
            }
        }
        if failed > 0 { throw ExitCode(1) }
    }
}
