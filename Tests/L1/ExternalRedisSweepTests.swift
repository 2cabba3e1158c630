import Foundation
import GreenticTestKit
import GreenticTestKitTesting
import TestSupport
import Testing

@Suite("A shared Redis after a test", .tags(.infra))
struct ExternalRedisSweepTests {
    /// A test on an external Redis leaves it as it found it: the keys named with its token are
    /// gone at teardown, everyone else's are kept.
    @Test(.requires(infra: [.redis]), .requires(executables: ["redis-cli"]), .testEnv(infra: [.redis], backend: .native))
    func teardownDeletesTheTestsKeysOnly() async throws {
        let outer = try TestEnv.required()
        let url = try outer.redisURL()
        @Sendable func redis(_ arguments: [String]) async throws -> String {
            let out = try await CommandRunner.run("redis-cli", ["-u", url] + arguments)
            #expect(out.status == 0, "\(out.stderr)")
            return out.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        }
        _ = try await redis(["SET", "someone-else:session", "kept"])
        _ = try await redis(["HSET", "greentic:sessions:e2e-other1", "conv", "kept"])
        var options = TestEnvOptions(environment: ["E2E_INFRA": "external", "E2E_REDIS_URL": url])
        options.artifactsBase = outer.directory.artifacts
        let names = try await TestEnv.with(name: "on-shared-redis", infra: [.redis], options: options) { env in
            #expect(env.endpoints.backend == "external")
            let names = ["greentic:sessions:\(env.greenticEnv)", "greentic:state:\(env.greenticEnv):acme:default:k",
                         "\(env.subjectPrefix):sessions", env.scopedName("cache")]
            for name in names { _ = try await redis(["SET", name, "x"]) }
            #expect(try await redis(["DBSIZE"]) == "6")
            return names
        }
        #expect(try await redis(["KEYS", "*"]).split(separator: "\n").sorted() == ["greentic:sessions:e2e-other1", "someone-else:session"],
                "deleted: \(names)")
    }
}
