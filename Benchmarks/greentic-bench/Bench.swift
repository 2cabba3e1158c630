import ArgumentParser
import Foundation

/// `greentic-bench`: measures the kit against baselines measured in the same run and prints
/// medians, p90s and ratios (and JSON with `--json FILE`).
@main
struct Bench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "greentic-bench",
        abstract: "Benchmarks for GreenticTestKit (build with -c release).",
        subcommands: [TestEnvBench.self, ServerBench.self, StoreBench.self, NATSBench.self, ScenarioBench.self, MemoryBench.self, StackBench.self, TimelineBench.self]
    )
}
