import Foundation
import GreenticTestKit
import GreenticTestKitTesting
import TestSupport
import Testing

@Suite("env.json carries the run's fingerprint", .tags(.infra))
struct RunFingerprintTests {
    @Test(.requires(infra: [.nats]), .requires(executables: ["git"]), .testEnv(infra: [.nats]))
    func fingerprintNamesCommitToolsAndBackend() async throws {
        let env = try TestEnv.required()
        env.refreshSnapshot()
        let snapshot = try JSONValue.parse(Data(contentsOf: env.directory.envFile))
        let fingerprint = try #require(snapshot["fingerprint"], "\(snapshot)")
        let head = try await CommandRunner.run("/usr/bin/env", ["git", "rev-parse", "HEAD"], workingDirectory: Paths.packageRoot)
        #expect(fingerprint["git_commit"] == .string(head.stdout.trimmingCharacters(in: .whitespacesAndNewlines)))
        let status = try await CommandRunner.run("/usr/bin/env", ["git", "status", "--porcelain"], workingDirectory: Paths.packageRoot)
        #expect(fingerprint["git_dirty"] == .bool(!status.stdout.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty))
        #expect(fingerprint["swift_version"]?.stringValue?.contains("Swift version") == true, "\(fingerprint)")
        #expect(fingerprint["os"]?.stringValue?.isEmpty == false)
        #expect(fingerprint["infra_backend"] == .string(env.endpoints.backend))
        let nats = try #require(fingerprint.value(atPath: "tools.nats-server"), "\(fingerprint)")
        #expect(nats["path"]?.stringValue?.hasSuffix("nats-server") == true)
        #expect(nats["version"]?.stringValue?.contains("v2.") == true, "\(nats)")
    }
}
