import ArgumentParser
import Foundation
import GreenticTestKit
import Simulators

/// `greentic-integration sim render`: Print RenderReports for every pack scenario; compare with or record a golden.
struct SimRender: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "render", abstract: "Print RenderReports for every pack scenario; compare with or record a golden.",
        discussion: "Prints the sorted report array as pretty JSON on stdout. With --golden, compares by value and exits 1 on drift with a readable diff. --record writes the golden instead; GOLDEN_RECORD=missing writes it only when absent, GOLDEN_RECORD=failed rewrites it when it drifts (and still exits 1), GOLDEN_RECORD=all always writes it."
    )

    @Option(help: "Packs root.") var packs: String = "Packs"
    @Option(help: "Golden file to compare with (or write, with --record).") var golden: String?
    @Flag(help: "Write the golden file instead of comparing.") var record = false
    @Option(help: "Capability map: render every scenario's bot messages per provider instead of RenderReports.") var providers: String?

    func run() async throws {
        if let providers {
            let document: String
            do {
                document = JSONWriter.pretty(try ProviderRender.render(packsRoot: URL(fileURLWithPath: packs),
                                                                       providers: try ProviderRender.profiles(path: providers))) + "\n"
            } catch { throw CLIError(message: "\(error)") }
            try finish(document) { expected in
                let diff = JSONDiff.differences(expected: expected, actual: try JSONValue.parse(document))
                return diff.prefix(20).map(\.description)
            }
            return
        }
        let reports: [RenderReport]
        do { reports = try ProviderRenderer.reports(packsRoot: URL(fileURLWithPath: packs)) } catch {
            throw CLIError(message: "\(error)")
        }
        try finish(RenderReport.document(reports)) { expected in try ProviderRenderer.drift(reports, golden: expected) }
    }

    /// Prints the document, then compares it with the golden or records it, per the record mode:
    /// `--record` is `all`; otherwise `GOLDEN_RECORD` when set (`never`, `missing`, `failed`,
    /// `all`), and comparing only when it is not.
    func finish(_ document: String, drift: (JSONValue) throws -> [String]) throws {
        guard let golden else {
            if record { throw CLIError(message: "--record needs --golden FILE") }
            FileHandle.standardOutput.write(Data(document.utf8))
            return
        }
        let mode: GoldenRecordMode
        if record {
            mode = .all
        } else if ProcessInfo.processInfo.environment["GOLDEN_RECORD"]?.isEmpty == false {
            do { mode = try GoldenRecordMode.fromEnvironment(ProcessInfo.processInfo.environment) } catch {
                throw CLIError(message: "\(error)")
            }
        } else {
            mode = .never
        }
        let url = URL(fileURLWithPath: golden)
        let checker = Golden(root: url.deletingLastPathComponent(), mode: mode)
        if !record { FileHandle.standardOutput.write(Data(document.utf8)) }
        do {
            if try checker.check(document: document, named: url.lastPathComponent, drift: drift) == .recorded {
                FileHandle.standardError.write(Data("recorded \(golden)\n".utf8))
            }
        } catch GoldenError.missing {
            throw CLIError(message: "golden \(golden) not found (use --record or GOLDEN_RECORD=missing to create it)")
        } catch GoldenError.mismatch(_, let diff, let rerecorded) {
            let lines = diff.split(separator: "\n").prefix(20).map { "  " + $0 }.joined(separator: "\n")
            let advice = rerecorded ? "Re-recorded \(golden) (GOLDEN_RECORD=failed): review the change." : "Re-record with --record after reviewing."
            FileHandle.standardError.write(Data("Renderer output drifted from \(golden):\n\(lines)\n\(advice)\n".utf8))
            throw ExitCode(1)
        } catch {
            throw CLIError(message: "\(error)")
        }
    }
}
