import ArgumentParser
import Foundation
import GreenticTestKit
import Simulators

/// `greentic-integration sim smoke`: Verify runner-smoke case files and effect logs.
struct SimSmoke: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "smoke", abstract: "Verify runner-smoke case files and effect logs.",
        discussion: "Checks tenant isolation, session continuity, state snapshots and once-only state writes in every case file (recursive), and effect-log JSONL entries against the effect-log schema. Exit 1 on the first broken invariant or any effect-log error; 2 on usage errors."
    )

    @Option(help: "Case folder.") var cases: String?
    @Option(name: .customLong("effect-log"), help: "Effect log (JSONL) to validate.") var effectLog: String?

    func run() async throws {
        if cases == nil && effectLog == nil {
            throw ValidationError("give --cases DIR, --effect-log FILE, or both")
        }
        if let cases {
            do { StandardOutput.line(try RunnerSmoke.verify(casesIn: URL(fileURLWithPath: cases)).summary) } catch {
                throw CLIError(message: "\(error)")
            }
        }
        if let effectLog {
            guard let data = FileManager.default.contents(atPath: effectLog) else { throw CLIError(message: "cannot read effect log \(effectLog)") }
            let errors = EffectLogValidator.validate(String(decoding: data, as: UTF8.self))
            for e in errors { FileHandle.standardError.write(Data("[error] \(effectLog): \(e)\n".utf8)) }
            if !errors.isEmpty { throw ExitCode(1) }
            let entries = String(decoding: data, as: UTF8.self).split(separator: "\n").filter { !$0.trimmingCharacters(in: .whitespaces).isEmpty }.count
            StandardOutput.line("effect log: \(entries) entr\(entries == 1 ? "y" : "ies") valid")
        }
    }
}
