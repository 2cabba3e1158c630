import ArgumentParser
import Foundation
import GreenticTestKit
import Simulators

/// `greentic-integration sim capabilities`: Check capability parity between the reference provider and the simulator.
struct SimCapabilities: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "capabilities", abstract: "Check capability parity between the reference provider and the simulator.")

    @Option(help: "Capability map (providers.yaml).") var file: String

    func run() async throws {
        let map: CapabilityMap
        do { map = try CapabilityMap.load(path: file) } catch { throw CLIError(message: "\(error)") }
        let violations = map.violations()
        if violations.isEmpty {
            StandardOutput.line("Capability parity holds: \(map.simulatorProvider) covers \(map.referenceProvider) (\(map.downgrades.count) documented downgrade(s)).")
            return
        }
        for v in violations { FileHandle.standardError.write(Data("[error] \(v)\n".utf8)) }
        throw ExitCode(1)
    }
}
