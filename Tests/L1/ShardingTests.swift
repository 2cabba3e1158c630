import Foundation
import GreenticTestKit
import GreenticTestKitTesting
import TestSupport
import Testing

/// `scripts/e2e.sh --shard I/N` and Bazel's shard variables: the slices `scripts/lib/shard.py`
/// takes from this package's own test list (the list `swift test list` prints, read from the
/// running test bundle with `--list-tests`, since a nested `swift test` would wait for this
/// one's build lock).
@Suite("Test sharding", .tags(.cli))
struct ShardingTests {
    static let tool = Paths.packageRoot.appendingPathComponent("scripts/lib/shard.py").path
    static let tiers = ["l0": #"^(L0)\."#, "l1": #"^(L0|L1)\."#, "l2": #"^(L0|L1|L2)\."#]

    /// This package's tests, as `swift test list` prints them.
    static func testList(into folder: URL) async throws -> (url: URL, tests: [String]) {
        let bundle = CommandLine.arguments[0]
        let listed = try await CommandRunner.run(bundle, ["--testing-library", "swift-testing", "--list-tests"], timeout: .seconds(120))
        #expect(listed.status == 0, "\(listed.stderr)")
        let tests = listed.stdout.split(separator: "\n").map(String.init).filter { $0.contains("/") }
        let url = folder.appendingPathComponent("all-tests.txt")
        try Data(listed.stdout.utf8).write(to: url)
        return (url, tests)
    }

    static func select(_ list: URL, _ shard: String, pattern: String, timings: URL? = nil,
                       environment: [String: String]? = nil) async throws -> [String] {
        var arguments = [tool, "select", "--list", list.path, "--shard", shard, "--pattern", pattern]
        if let timings { arguments += ["--timings", timings.path] }
        let out = try await CommandRunner.run("/usr/bin/env", ["python3"] + arguments, environment: environment, timeout: .seconds(60))
        #expect(out.status == 0, "\(out.stderr)")
        return out.stdout.split(separator: "\n").map(String.init)
    }

    static func suite(_ test: String) -> String { String(test.split(separator: "/", maxSplits: 1)[0]) }

    @Test(.requires(executables: ["python3"]), .testEnv())
    func theSlicesOfEveryTierAreTheWholeSelectionExactlyOnce() async throws {
        let env = try TestEnv.required()
        let (list, all) = try await Self.testList(into: env.directory.artifacts)
        #expect(all.count > 300 && all.contains("L1.ShardingTests/theSlicesOfEveryTierAreTheWholeSelectionExactlyOnce()"),
                "the list is this package's: \(all.count) tests")
        for (tier, pattern) in Self.tiers.sorted(by: { $0.key < $1.key }) {
            let selection = all.filter { $0.range(of: pattern, options: .regularExpression) != nil }
            for total in [1, 2, 3, 5] {
                var seen: [String: Int] = [:]
                var suiteOwner: [String: Int] = [:]
                for index in 1...total {
                    let slice = try await Self.select(list, "\(index)/\(total)", pattern: pattern)
                    for test in slice {
                        seen[test, default: 0] += 1
                        let owner = suiteOwner.updateValue(index, forKey: Self.suite(test))
                        #expect(owner == nil || owner == index, "\(tier) \(index)/\(total): suite \(Self.suite(test)) is split across shards")
                    }
                    #expect(slice == selection.filter { slice.contains($0) }, "a slice keeps the list's order")
                }
                #expect(Set(seen.keys) == Set(selection), "\(tier) in \(total): the union is the selection")
                #expect(seen.values.allSatisfy { $0 == 1 }, "\(tier) in \(total): a test ran twice: \(seen.filter { $0.value > 1 }.keys.sorted())")
            }
        }
    }

    /// Bazel's TEST_SHARD_INDEX is 0-based; it selects the same slice as `--shard` (1-based).
    @Test(.requires(executables: ["python3"]), .testEnv())
    func bazelsVariablesGiveTheSameSlices() async throws {
        let env = try TestEnv.required()
        let (list, _) = try await Self.testList(into: env.directory.artifacts)
        for index in 0..<3 {
            let shard = try await CommandRunner.run("/usr/bin/env", ["python3", Self.tool, "from-env"],
                                                    environment: ["TEST_SHARD_INDEX": "\(index)", "TEST_TOTAL_SHARDS": "3", "PATH": "/usr/bin:/bin"])
            #expect(shard.status == 0 && shard.stdout == "\(index + 1)/3\n", "\(shard.stdout) \(shard.stderr)")
        }
        let none = try await CommandRunner.run("/usr/bin/env", ["python3", Self.tool, "from-env"], environment: ["PATH": "/usr/bin:/bin"])
        #expect(none.status == 0 && none.stdout.isEmpty, "no variables: no shard")
        let outside = try await CommandRunner.run("/usr/bin/env", ["python3", Self.tool, "from-env"],
                                                  environment: ["TEST_SHARD_INDEX": "3", "TEST_TOTAL_SHARDS": "3", "PATH": "/usr/bin:/bin"])
        #expect(outside.status == 2 && outside.stderr.contains("outside 0..2"), "\(outside.stderr)")
        let slices = try await Self.select(list, "2/3", pattern: Self.tiers["l2"]!)
        #expect(!slices.isEmpty)
    }

    /// With a timing file, suites are dealt longest first: the slices are still the selection
    /// exactly once, no shard is longer than the shortest by more than the longest suite, and
    /// the same file gives the same slices.
    @Test(.requires(executables: ["python3"]), .testEnv())
    func durationsBalanceTheSlicesAndKeepThemAPartition() async throws {
        let env = try TestEnv.required()
        let (list, all) = try await Self.testList(into: env.directory.artifacts)
        let pattern = Self.tiers["l2"]!
        // Made-up durations, uneven on purpose: L2 suites are slow, one L1 suite very slow.
        var durations: [String: Double] = [:]
        for (n, test) in all.enumerated() {
            durations[test] = test.hasPrefix("L2.") ? 12 + Double(n % 7) : test.hasPrefix("L1.Secured") ? 30 : 0.05 * Double(n % 11)
        }
        let timings = env.directory.artifacts.appendingPathComponent("timings.json")
        try Data(JSONWriter.compact(["version": 1, "tests": .object(durations.mapValues { .number($0) })]).utf8).write(to: timings)
        var loads: [Double] = []
        var union: [String] = []
        var suiteSeconds: [String: Double] = [:]
        for test in all where test.range(of: pattern, options: .regularExpression) != nil { suiteSeconds[Self.suite(test), default: 0] += durations[test]! }
        for index in 1...3 {
            let slice = try await Self.select(list, "\(index)/3", pattern: pattern, timings: timings)
            #expect(try await Self.select(list, "\(index)/3", pattern: pattern, timings: timings) == slice, "deterministic")
            loads.append(slice.reduce(0) { $0 + durations[$1]! })
            union += slice
        }
        #expect(union.count == Set(union).count && Set(union) == Set(all), "a partition of the selection")
        let longest = suiteSeconds.values.max() ?? 0
        #expect(loads.max()! - loads.min()! <= longest, "loads \(loads), longest suite \(longest) s")

        // e2e.sh takes the same arguments and refuses a bad shard before building anything.
        let script = Paths.packageRoot.appendingPathComponent("scripts/e2e.sh").path
        for bad in ["0/3", "4/3", "2", "a/b"] {
            let out = try await CommandRunner.run("/bin/bash", [script, "l0", "--shard", bad], environment: ["E2E_INSTALL": "0", "PATH": ProcessInfo.processInfo.environment["PATH"] ?? ""],
                                                  workingDirectory: Paths.packageRoot, timeout: .seconds(30))
            #expect(out.status == 2 && out.stderr.contains("--shard takes I/N"), "\(bad): \(out.status) \(out.stderr)")
        }
    }
}
