import Foundation
import TestSupport
import GreenticTestKit
import Testing

@Suite("Per-test folders and TestEnv lifecycle (no processes)")
struct TestDirectoryTests {
    func options(base: URL, keep: Bool = false) -> TestEnvOptions {
        var options = TestEnvOptions(environment: ["E2E_ARTIFACTS_DIR": base.path])
        options.keepOnSuccess = keep
        return options
    }

    @Test func namesAreUniqueAndSanitised() throws {
        let base = try Paths.temporary()
        defer { try? FileManager.default.removeItem(at: base) }
        let a = try TestDirectory.create(name: "L0.Suite/same()", base: base)
        let b = try TestDirectory.create(name: "L0.Suite/same()", base: base)
        #expect(a.name == "L0_Suite_same")
        #expect(b.name == "L0_Suite_same-2")
        for dir in [a, b] {
            #expect(FileManager.default.fileExists(atPath: dir.logs.path))
            #expect(FileManager.default.fileExists(atPath: dir.artifacts.path))
        }
    }

    @Test func concurrentClaimsOfOneNameNeverCollide() async throws {
        let base = try Paths.temporary()
        defer { try? FileManager.default.removeItem(at: base) }
        let names = try await withThrowingTaskGroup(of: String.self) { group in
            for _ in 0..<24 { group.addTask { try TestDirectory.create(name: "same", base: base).name } }
            return try await group.reduce(into: [String]()) { $0.append($1) }
        }
        #expect(Set(names).count == 24)
        for name in names {
            #expect(FileManager.default.fileExists(atPath: base.appendingPathComponent(name).appendingPathComponent(".owner").path))
        }
    }

    @Test func folderOfADeadRunIsReplaced() throws {
        let base = try Paths.temporary()
        defer { try? FileManager.default.removeItem(at: base) }
        let stale = base.appendingPathComponent("reused")
        try FileManager.default.createDirectory(at: stale, withIntermediateDirectories: true)
        try Data("999999999 1\n".utf8).write(to: stale.appendingPathComponent(".owner"))
        try Data("old".utf8).write(to: stale.appendingPathComponent("old.txt"))
        let dir = try TestDirectory.create(name: "reused", base: base)
        #expect(dir.name == "reused")
        #expect(!FileManager.default.fileExists(atPath: stale.appendingPathComponent("old.txt").path))
    }

    @Test func successDeletesFolderUnlessKept() async throws {
        let base = try Paths.temporary()
        defer { try? FileManager.default.removeItem(at: base) }
        let root = try await TestEnv.with(name: "ok", options: options(base: base)) { env in
            env.log("hello")
            #expect(TestEnv.current?.directory.root == env.directory.root)
            return env.directory.root
        }
        #expect(!FileManager.default.fileExists(atPath: root.path))
        let kept = try await TestEnv.with(name: "ok", options: options(base: base, keep: true)) { $0.directory.root }
        #expect(FileManager.default.fileExists(atPath: kept.appendingPathComponent("env.json").path))
        #expect(FileManager.default.fileExists(atPath: kept.appendingPathComponent("timeline.jsonl").path))
    }

    struct Boom: Error, CustomStringConvertible { var description: String { "boom happened" } }

    @Test func failureKeepsFolderAndNamesItInTheError() async throws {
        let base = try Paths.temporary()
        defer { try? FileManager.default.removeItem(at: base) }
        do {
            try await TestEnv.with(name: "fails", options: options(base: base)) { env in
                env.timeline.append(kind: "step", source: "test", data: ["step": "about to fail"])
                throw Boom()
            }
            Issue.record("error swallowed")
        } catch let error as TestEnvError {
            let text = "\(error)"
            #expect(text.contains("boom happened"))
            #expect(text.contains("artifacts: \(base.path)/fails"))
            #expect(text.contains("about to fail"))
            #expect(error.rootCause is Boom)
        }
        let timeline = try String(contentsOf: base.appendingPathComponent("fails/timeline.jsonl"), encoding: .utf8)
        let events = timeline.split(separator: "\n").map { try? JSONValue.parse(String($0)) }
        #expect(events.first??["kind"] == "env")
        #expect(events.last??.value(atPath: "data.failed") == true)
    }

    @Test func observedFailureWithoutThrowKeepsFolder() async throws {
        let base = try Paths.temporary()
        defer { try? FileManager.default.removeItem(at: base) }
        var opts = options(base: base)
        opts.failureObserved = { true }
        let root = try await TestEnv.with(name: "soft", options: opts) { $0.directory.root }
        #expect(FileManager.default.fileExists(atPath: root.path))
    }

    @Test func secretsStayOutOfArtifacts() async throws {
        let base = try Paths.temporary()
        defer { try? FileManager.default.removeItem(at: base) }
        let secret = "s3cr3t-\(UUID().uuidString)"
        var opts = options(base: base, keep: true)
        opts.environment["GREENTIC_WEBHOOK_SECRET"] = secret
        let (root, secretsDir) = try await TestEnv.with(name: "secrets", options: opts) { env in
            let file = try env.writeTenantSecret(tenant: "../acme", key: "API_TOKEN", value: secret)
            #expect(file.path.hasPrefix(env.secretsDirectory.path))
            #expect(try env.tenantSecrets("../acme") == ["API_TOKEN": secret])
            let tenantDir = try env.tenantArtifactsDirectory("../../evil")
            #expect(tenantDir.path.hasPrefix(env.directory.artifacts.path + "/tenants/"))
            env.refreshSnapshot()
            return (env.directory.root, env.secretsDirectory)
        }
        #expect(!FileManager.default.fileExists(atPath: secretsDir.path))
        let enumerator = FileManager.default.enumerator(atPath: root.path)!
        for case let file as String in enumerator {
            let data = FileManager.default.contents(atPath: root.appendingPathComponent(file).path) ?? Data()
            #expect(!String(decoding: data, as: UTF8.self).contains(secret), "secret found in \(file)")
        }
    }

    @Test func endpointsOfUnrequestedInfraAreErrors() async throws {
        let base = try Paths.temporary()
        defer { try? FileManager.default.removeItem(at: base) }
        try await TestEnv.with(name: "noinfra", options: options(base: base)) { env in
            #expect(throws: TestEnvError.self) { try env.natsURL() }
            #expect(env.subjectPrefix.hasPrefix("e2e.noinfra."))
            #expect(env.subjectPrefix(tenant: "ac me") == env.subjectPrefix + ".ac_me")
        }
    }
}
