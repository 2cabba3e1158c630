import Foundation
import GreenticTestKit
import GreenticTestKitTesting
import TestSupport
import Testing

@Suite("greentic-integration doctor", .tags(.cli))
struct DoctorTests {
    @Test func reportsWhatIsHereAndFailsATierWhoseToolsAreMissing() async throws {
        let full = try await CommandRunner.run(Paths.cli.path, ["doctor", "--json"], timeout: .seconds(60))
        #expect(full.status == 0, "\(full.stderr)")
        let report = try JSONValue.parse(full.stdout)
        let checks = try #require(report["checks"]?.arrayValue)
        let names = checks.compactMap { $0["name"]?.stringValue }
        #expect(names.contains("nats-server") && names.contains("chromium") && names.contains("docker engine") && names.contains("nats-py") && names.contains("wrk"))
        // This test runs, so the toolchain was found, with its version.
        let swift = try #require(checks.first { $0["name"] == "swift toolchain" })
        #expect(swift["found"] == true && swift["version"]?.stringValue?.hasPrefix("Swift version") == true)
        for check in checks where check["found"] == false { #expect(check["install"]?.stringValue?.isEmpty == false) }

        // With nothing on PATH, redis-server (found only through PATH) is missing: an l1 run cannot
        // happen, so the exit is 1, naming what is missing and how to install it.
        let bare = try await CommandRunner.run(Paths.cli.path, ["doctor", "--tier", "l1"], environment: ["PATH": "/nonexistent", "HOME": "/nonexistent"],
                                               timeout: .seconds(60))
        #expect(bare.stdout.contains("missing  redis-server (needed by l1, l2): apt-get install -y redis-server"), "\(bare.stdout)")
        #expect(bare.status == 1)
        #expect(bare.stderr.contains("doctor: tier l1 is missing") && bare.stderr.contains("redis-server"), "\(bare.stderr)")
        let l0 = try await CommandRunner.run(Paths.cli.path, ["doctor", "--tier", "l0"], environment: ["PATH": "/nonexistent", "HOME": "/nonexistent"],
                                             timeout: .seconds(60))
        #expect(!l0.stderr.contains("redis-server") && l0.stderr.contains("swift toolchain"), "l0 needs only the toolchain and libpq: \(l0.stderr)")
        let usage = try await CommandRunner.run(Paths.cli.path, ["doctor", "--tier", "l9"], timeout: .seconds(30))
        #expect(usage.status == 2)
    }

    /// doctor and scripts/install-deps.sh read one list: the same packages, the same verdict.
    @Test func doctorAndTheInstallScriptReadTheSameList() async throws {
        let script = Paths.packageRoot.appendingPathComponent("scripts/install-deps.sh").path
        let listed = try await CommandRunner.run("/bin/bash", [script, "--list"], timeout: .seconds(30))
        #expect(listed.status == 0, "\(listed.stderr)")
        let packages = listed.stdout.split(separator: "\n").map(String.init)
        #expect(packages == PrerequisiteList.builtIn.entries.map(\.package))
        let l0 = try await CommandRunner.run("/bin/bash", [script, "--list", "--tier", "l0"], timeout: .seconds(30))
        #expect(l0.stdout.split(separator: "\n").map(String.init) == PrerequisiteList.builtIn.entries.filter { $0.tiers.contains("l0") }.map(\.package))
        // This machine runs the tests, so both say everything is here.
        let check = try await CommandRunner.run("/bin/bash", [script, "--check"], timeout: .seconds(60))
        let report = try JSONValue.parse(try await CommandRunner.run(Paths.cli.path, ["doctor", "--json"], timeout: .seconds(60)).stdout)
        let doctorMissing = (report["checks"]?.arrayValue ?? []).filter { $0["found"] == false && $0["name"] != "docker engine" }
        #expect((check.status == 0) == doctorMissing.isEmpty, "install-deps --check: \(check.stderr); doctor missing: \(doctorMissing)")
        let bad = try await CommandRunner.run("/bin/bash", [script, "--tier", "l9"], timeout: .seconds(30))
        #expect(bad.status == 2 && bad.stderr.contains("unknown tier 'l9'"), "\(bad.stderr)")
    }
}
