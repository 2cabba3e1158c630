import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import GreenticTestKit
import GreenticTestKitTesting
import TestSupport
import Testing

/// scripts/e2e.sh's flake pipeline over a scratch copy of a tiny Swift package: flaky and failed
/// tests with reruns, JUnit from the event stream, quarantine before and after its expiry, and a
/// repro line that reruns exactly one test.
@Suite("e2e.sh flake pipeline", .tags(.cli))
struct E2EFlakePipelineTests {
    static let tests = """
        import Foundation
        import Testing

        @Suite struct TinyTests {
            @Test func passes() { #expect(1 + 1 == 2) }
            /// Fails on its first attempt only (the marker file says it ran before).
            @Test func failsOnce() {
                let marker = ProcessInfo.processInfo.environment["TINY_MARKER"] ?? "/nonexistent/marker"
                let first = !FileManager.default.fileExists(atPath: marker)
                if first { FileManager.default.createFile(atPath: marker, contents: Data()) }
                #expect(!first, "first attempt fails")
            }
        }

        @Suite struct AlwaysTests {
            @Test func alwaysFails() { #expect(1 + 1 == 3, "always wrong") }
        }

        @Suite struct CasesTests {
            @Test(arguments: [1, 2, 3]) func odd(n: Int) { #expect(n % 2 == 1, "n=\\(n) is even") }
        }

        /// A case whose argument holds control characters, as a parser test's input does.
        @Suite struct ControlTests {
            @Test(arguments: ["a\\u{01}b", "tab\\there"]) func control(text: String) { #expect(text.count > 1) }
        }
        """

    /// A tiny package with the project's scripts, in the test's artifacts folder.
    func scratchPackage(_ env: TestEnv) throws -> URL {
        let root = env.directory.artifacts.appendingPathComponent("tiny")
        let fm = FileManager.default
        for dir in ["Tests/L0", "scripts/lib", "Sources/GreenticTestKit/Prerequisites"] {
            try fm.createDirectory(at: root.appendingPathComponent(dir), withIntermediateDirectories: true)
        }
        try Data("""
            // swift-tools-version: 6.1
            import PackageDescription
            let package = Package(name: "Tiny", targets: [.testTarget(name: "L0")])
            """.utf8).write(to: root.appendingPathComponent("Package.swift"))
        try Data(Self.tests.utf8).write(to: root.appendingPathComponent("Tests/L0/TinyTests.swift"))
        for file in ["scripts/e2e.sh", "scripts/install-deps.sh", "scripts/lib/testreport.py", "scripts/lib/shard.py",
                     "Sources/GreenticTestKit/Prerequisites/prerequisites.tsv"] {
            try fm.copyItem(at: Paths.packageRoot.appendingPathComponent(file), to: root.appendingPathComponent(file))
        }
        return root
    }

    func e2e(_ root: URL, _ args: [String], marker: URL? = nil) async throws -> CommandRunner.Output {
        var environment = ProcessInfo.processInfo.environment
        environment["E2E_INSTALL"] = "0"
        // The nested run is a run of its own: its artifacts in its own tree (it clears that folder
        // first, which must never be the folder of the run this test is part of), and none of
        // the outer run's shard, JUnit or timing settings.
        environment["E2E_ARTIFACTS_DIR"] = root.appendingPathComponent(".build/e2e").path
        for inherited in ["TEST_TOTAL_SHARDS", "TEST_SHARD_INDEX", "TEST_SHARD_STATUS_FILE", "XML_OUTPUT_FILE", "TEST_TMPDIR", "E2E_TIMINGS"] {
            environment[inherited] = nil
        }
        if let marker { environment["TINY_MARKER"] = marker.path }
        return try await CommandRunner.run("/bin/bash", [root.appendingPathComponent("scripts/e2e.sh").path] + args,
                                           environment: environment, workingDirectory: root, timeout: .seconds(300))
    }

    @Test(.requires(executables: ["python3"]), .testEnv())
    func flakyFailedQuarantinedAndRepro() async throws {
        let env = try TestEnv.required()
        let root = try scratchPackage(env)
        let junit = root.appendingPathComponent("junit.xml")

        // Fails once, then passes: flaky, and the run passes with --rerun-failures 1.
        let marker = env.directory.artifacts.appendingPathComponent("marker")
        let flaky = try await e2e(root, ["l0", "--focus", "TinyTests/", "--rerun-failures", "1", "--junit", junit.path], marker: marker)
        #expect(flaky.status == 0, "\(flaky.stdout)\n\(flaky.stderr)")
        #expect(flaky.stdout.contains("L0: 2 passed, 0 failed, 0 skipped, 1 flaky, 0 quarantined"), "\(flaky.stdout)")
        #expect(flaky.stdout.contains("flaky:\n  L0.TinyTests/failsOnce() (failed 1 of 2 attempts)"), "\(flaky.stdout)")
        let flakyXML = try String(contentsOf: junit, encoding: .utf8)
        #expect(flakyXML.contains("<testcase classname=\"L0.TinyTests\" name=\"failsOnce()\""))
        #expect(flakyXML.contains("<flakyFailure message=\"L0/TinyTests.swift:"), "\(flakyXML)")
        #expect(flakyXML.contains("first attempt fails"))
        #expect(flaky.stdout.split(separator: "\n").last?.contains("Test run with 2 tests") == true, "ends with swift test's summary")

        // Fails every attempt: failed, exit 1, <rerunFailure> per rerun, a repro line.
        let failed = try await e2e(root, ["l0", "--focus", "AlwaysTests", "--rerun-failures", "2", "--junit", junit.path])
        #expect(failed.status == 1)
        #expect(failed.stdout.contains("L0: 0 passed, 1 failed"), "\(failed.stdout)")
        let failedXML = try String(contentsOf: junit, encoding: .utf8)
        #expect(failedXML.components(separatedBy: "<rerunFailure ").count - 1 == 2, "\(failedXML)")
        #expect(failedXML.contains("<failure message=\"L0/TinyTests.swift:"), "source location in the failure: \(failedXML)")
        let repro = try #require(failed.stdout.split(separator: "\n").first { $0.contains("repro: ") })
        #expect(repro.contains("scripts/e2e.sh l0 --focus 'AlwaysTests/alwaysFails\\(\\)'"), "\(repro)")

        // A parameterised test: one <testcase> per case, the failure on the case that failed.
        let cases = try await e2e(root, ["l0", "--focus", "CasesTests", "--junit", junit.path])
        #expect(cases.status == 1)
        let casesXML = try String(contentsOf: junit, encoding: .utf8)
        let caseRows = casesXML.split(separator: "\n").filter { $0.contains("<testcase ") }
        #expect(caseRows.count == 3, "\(casesXML)")
        #expect(caseRows.map { $0.contains("name=\"odd(n:) [1]\"") || $0.contains("name=\"odd(n:) [2]\"") || $0.contains("name=\"odd(n:) [3]\"") } == [true, true, true], "\(casesXML)")
        #expect(casesXML.contains("tests=\"3\" failures=\"1\""), "\(casesXML)")
        let failingCase = try #require(casesXML.range(of: "name=\"odd(n:) [2]\""))
        #expect(casesXML[failingCase.upperBound...].prefix(300).contains("<failure message=\"L0/TinyTests.swift:"), "\(casesXML)")
        #expect(casesXML.contains("n=2 is even") && !casesXML.contains("n=1 is even"), "\(casesXML)")

        // A control character in a case's name is written as text: the JUnit stays well-formed XML.
        let control = try await e2e(root, ["l0", "--focus", "ControlTests", "--junit", junit.path])
        #expect(control.status == 0, "\(control.stdout)")
        let controlXML = try Data(contentsOf: junit)
        let parser = XMLParser(data: controlXML)
        #expect(parser.parse(), "JUnit is not well-formed: \(parser.parserError.map { "\($0)" } ?? "?"): \(String(decoding: controlXML, as: UTF8.self))")
        #expect(String(decoding: controlXML, as: UTF8.self).contains(#"a\u0001b"#))

        // The repro line reruns exactly that one test.
        let command = String(repro.split(separator: "repro: ", maxSplits: 1)[1])
        let rerun = try await CommandRunner.run("/bin/bash", ["-c", "E2E_INSTALL=0 " + command], environment: ProcessInfo.processInfo.environment,
                                                workingDirectory: root, timeout: .seconds(300))
        #expect(rerun.stdout.contains("Test run with 1 test in 1 suite"), "\(rerun.stdout)")
        #expect(rerun.status == 1)

        // Quarantined before its expiry: reported, the run passes. After: it fails again.
        let quarantine = root.appendingPathComponent("Tests/quarantine.yaml")
        func quarantineUntil(_ date: String, test: String = "L0.AlwaysTests/alwaysFails()") throws {
            try Data("- test: \(test)\n  reason: known bad\n  issue: https://example.invalid/issues/1\n  expires: \(date)\n".utf8).write(to: quarantine)
        }
        try quarantineUntil("2999-01-01")
        let held = try await e2e(root, ["l0", "--focus", "AlwaysTests"])
        #expect(held.status == 0, "\(held.stdout)")
        #expect(held.stdout.contains("0 failed, 0 skipped, 0 flaky, 1 quarantined"), "\(held.stdout)")
        try quarantineUntil("2000-01-01")
        let expired = try await e2e(root, ["l0", "--focus", "AlwaysTests"])
        #expect(expired.status == 1)
        #expect(expired.stdout.contains("(its quarantine entry expired on 2000-01-01)"), "\(expired.stdout)")
        try quarantineUntil("2999-01-01", test: "L0.AlwaysTests/renamedAway()")
        let stale = try await e2e(root, ["l0", "--focus", "AlwaysTests"])
        #expect(stale.status != 0 && stale.stderr.contains("quarantine entry L0.AlwaysTests/renamedAway() names no test"), "\(stale.stderr)")
    }

    @Test(.requires(executables: ["python3"]), .testEnv())
    func repeatCountsFailuresPerTest() async throws {
        let env = try TestEnv.required()
        let root = try scratchPackage(env)
        let marker = env.directory.artifacts.appendingPathComponent("marker")
        let out = try await e2e(root, ["l0", "--repeat", "3"], marker: marker)
        #expect(out.status == 1)
        #expect(out.stdout.contains("repeat: 3 runs of 5 tests"), "\(out.stdout)")
        #expect(out.stdout.contains("failed 3 of 3: L0.CasesTests/odd(n:)"), "\(out.stdout)")
        #expect(out.stdout.contains("failed 1 of 3: L0.TinyTests/failsOnce()"), "\(out.stdout)")
        #expect(out.stdout.contains("failed 3 of 3: L0.AlwaysTests/alwaysFails()"), "\(out.stdout)")
        #expect(!out.stdout.contains("L0.TinyTests/passes()"), "a test that never failed is not listed")
        let usage = try await e2e(root, ["l0", "--repeat", "zero"])
        #expect(usage.status == 2 && usage.stderr.contains("--repeat needs a whole number"), "\(usage.stderr)")
    }
}
