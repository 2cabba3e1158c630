import Foundation
import GreenticTestKit
import GreenticTestKitTesting
import ScenarioDSL
import TestSupport
import Testing

/// What a test leaves behind is found when its environment ends, reported (a warning, or the
/// test's failure under strict mode) and reclaimed; what it cleaned up is not reported.
@Suite("Leak checks at the end of each test", .tags(.services))
struct LeakCheckTests {
    /// Options for an environment nested in the running test, strict or not, collecting the
    /// leaks reported as warnings.
    static func options(strict: Bool, infra: InfraSelection = .native) throws -> (TestEnvOptions, Locked<[ResourceLeak]>) {
        let outer = try TestEnv.required()
        var environment = ProcessInfo.processInfo.environment
        environment["CI"] = nil
        environment["E2E_STRICT"] = strict ? "1" : nil
        environment["E2E_ARTIFACTS_DIR"] = outer.directory.artifacts.path
        var options = TestEnvOptions(environment: environment)
        options.infraSelection = infra
        let seen = Locked<[ResourceLeak]>([])
        options.leaksObserved = { leaks in seen.mutate { $0 += leaks } }
        return (options, seen)
    }

    /// Whether a process exists and is not a zombie.
    static func isLive(_ pid: Int32) -> Bool {
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
              let close = stat.lastIndex(of: ")") else { return false }
        return !stat[stat.index(after: close)...].trimmingCharacters(in: .whitespaces).hasPrefix("Z")
    }

    static let spawner = ServiceSpec(
        name: "spawner", executable: "/bin/sh",
        // One child stays in the service's group, one leaves it with setsid (as a daemon does);
        // ready once that one runs sleep (setsid has left the group by then).
        arguments: ["-c", "sleep 600 & in=$!; setsid sleep 601 & out=$!; until [ \"$(cat /proc/$out/comm 2>/dev/null)\" = sleep ]; do sleep 0.01; done; echo \"ready $in $out\"; wait"],
        readiness: .logLine(#"ready (?<inGroup>\d+) (?<escaped>\d+)"#), readinessTimeout: .seconds(10))

    @Test(.requires(executables: ["setsid"]), .testEnv())
    func aProcessThatLeftItsServiceGroupIsReportedAndKilledAGroupMemberIsNot() async throws {
        let (options, seen) = try Self.options(strict: false)
        let (inGroup, escaped) = try await TestEnv.with(name: "leaky-process", options: options) { env in
            let service = try await env.start(Self.spawner)
            return (Int32(service.capture("inGroup") ?? "") ?? -1, Int32(service.capture("escaped") ?? "") ?? -1)
        }
        #expect(inGroup > 0 && escaped > 0)
        let leaks = seen.value
        #expect(leaks.count == 1, "\(leaks)")
        #expect(leaks.first?.kind == .process)
        #expect(leaks.first?.detail.hasPrefix("\(escaped) (sleep 601)") == true, "\(leaks)")
        #expect(try await eventually { !Self.isLive(escaped) }, "the leaked process was not killed")
        #expect(!Self.isLive(inGroup))
    }

    @Test(.requires(executables: ["setsid"]), .testEnv())
    func underStrictModeALeakFailsTheTestThatOtherwisePassed() async throws {
        let (options, seen) = try Self.options(strict: true)
        do {
            try await TestEnv.with(name: "leaky-strict", options: options) { env in
                _ = try await env.start(Self.spawner)
            }
            Issue.record("a leak under E2E_STRICT=1 did not fail the test")
        } catch let error as TestEnvError {
            guard case .leaked(let leaks) = error.rootCause as? TestEnvError else {
                Issue.record("unexpected error \(error)")
                return
            }
            #expect(leaks.map(\.kind) == [.process])
            #expect("\(error)".contains("left behind when the test ended"))
        }
        #expect(seen.value.isEmpty, "strict mode reports the leak as the failure, not also as a warning")
        // A test that leaves nothing behind passes under strict mode.
        try await TestEnv.with(name: "tidy-strict", options: options) { env in
            let service = try await env.start(ServiceSpec(
                name: "tidy", executable: "/bin/sh", arguments: ["-c", "sleep 600 & echo ready; wait"],
                readiness: .logLine("ready"), readinessTimeout: .seconds(10)))
            #expect(service.isRunning)
        }
    }

    @Test(.requires(infra: [.nats]), .testEnv())
    func anOpenConnectionAndAStreamLeftOnTheServerAreReportedAndReclaimed() async throws {
        let (options, seen) = try Self.options(strict: false)
        let kept = try await TestEnv.with(name: "leaky-nats", infra: [.nats], options: options) { env in
            let url = try env.natsURL()
            let kept = try await NATSClient.connect(url: url, name: "left-open")
            let closed = try await NATSClient.connect(url: url, name: "closed")
            await closed.close()
            let jetStream = JetStream(client: kept)
            try await jetStream.addStream(name: env.scopedName("LEFT"), subjects: ["\(env.subjectPrefix).left.>"])
            try await jetStream.addStream(name: env.scopedName("LEFT"), subjects: ["\(env.subjectPrefix).left.>"])
            try await jetStream.addStream(name: env.scopedName("GONE"), subjects: ["\(env.subjectPrefix).gone.>"])
            try await jetStream.deleteStream(env.scopedName("GONE"))
            return kept
        }
        let leaks = seen.value
        #expect(leaks.map(\.kind) == [.natsConnection, .stream], "\(leaks)")
        #expect(leaks.first?.detail.hasPrefix("'left-open' to nats://") == true, "\(leaks)")
        #expect(leaks.last?.detail.hasPrefix("LEFT_") == true && leaks.last?.detail.contains(" on nats://") == true, "\(leaks)")
        #expect(kept.isClosed, "the leaked connection was not closed")
    }

    @Test(.requires(infra: [.postgres]), .testEnv())
    func aDatabaseTheEnvironmentCouldNotDropIsReported() async throws {
        let (options, seen) = try Self.options(strict: false)
        // The environment drops its database: nothing to report, and it is gone.
        let dropped = try await TestEnv.with(name: "tidy-db", infra: [.postgres], options: options) { env in
            try Self.databaseName(env)
        }
        #expect(seen.value.isEmpty)
        #expect(await !PostgresCluster.shared.databaseExists(dropped))
        // A template database cannot be dropped, so this one outlives the environment.
        let stuck = try await TestEnv.with(name: "leaky-db", infra: [.postgres], options: options) { env in
            let name = try Self.databaseName(env)
            _ = try await PostgresConnection.run(url: try env.databaseURL(),
                                                 sql: "ALTER DATABASE \(PostgresConnection.quoteIdentifier(name)) IS_TEMPLATE true")
            return name
        }
        let leaks = seen.value
        #expect(leaks.map(\.kind) == [.database], "\(leaks)")
        #expect(leaks.first?.detail.hasPrefix(stuck) == true, "\(leaks)")
        let admin = try await PostgresCluster.shared.ensureRunning(base: options.artifactsBase).adminURL
        _ = try await PostgresConnection.run(url: admin, sql: "ALTER DATABASE \(PostgresConnection.quoteIdentifier(stuck)) IS_TEMPLATE false")
        await PostgresCluster.shared.dropDatabase(stuck)
        #expect(await !PostgresCluster.shared.databaseExists(stuck))
    }

    static func databaseName(_ env: TestEnv) throws -> String {
        let url = try env.databaseURL()
        return String(url.split(separator: "/").last ?? "")
    }
}
