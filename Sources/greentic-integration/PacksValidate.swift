import ArgumentParser
import Foundation
import GreenticFixtureServer
import GreenticTestKit
import Simulators

/// `greentic-integration packs validate`: Check every pack under the packs root.
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
