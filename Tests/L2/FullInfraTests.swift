import Foundation
import GreenticTestKit
import GreenticTestKitTesting
import ScenarioDSL
import TestSupport
import Testing

@Suite("Full native infrastructure: NATS, Postgres, Redis", .tags(.infra))
struct FullInfraTests {
    @Test(.requires(infra: [.nats, .postgres, .redis]), .testEnv(infra: [.nats, .postgres, .redis]), .tags(.nats, .postgres, .redis))
    func everyServiceAnswersForReal() async throws {
        let env = try TestEnv.required()

        let client = try await NATSClient.connect(url: try env.natsURL())
        let subject = "\(env.subjectPrefix).ping"
        let sub = try await client.subscribe(subject)
        try await client.flush()
        try client.publish(subject, text: "ping")
        #expect(await sub.next(timeout: .seconds(2))?.text == "ping")
        await client.close()

        let db = try env.databaseURL()
        _ = try await PostgresConnection.run(url: db, sql: "CREATE TABLE sessions (key text primary key, tenant text)")
        _ = try await PostgresConnection.run(url: db, sql: "INSERT INTO sessions VALUES ('k1', 'acme'), ('k2', 'beta')")
        let rows = try await PostgresConnection.run(url: db, sql: "SELECT tenant FROM sessions ORDER BY key")
        #expect(rows == [["acme"], ["beta"]])

        let (host, port) = try #require(InfraEndpoints.hostPort(try env.redisURL()))
        try await ProbeClient.converse(host: host, port: port, steps: [
            .send("SET greentic:test hello\r\n"), .expect("+OK\r\n"),
            .send("GET greentic:test\r\n"), .expect("$5\r\nhello\r\n"),
        ])
    }

    @Test(.requires(infra: [.postgres]), .tags(.postgres))
    func eachTestGetsItsOwnDatabase() async throws {
        async let a = TestEnv.with(name: "db-isolation", infra: [.postgres]) { env in
            let url = try env.databaseURL()
            #expect(!env.endpoints.backend.isEmpty)
            _ = try await PostgresConnection.run(url: url, sql: "CREATE TABLE marker (v text); INSERT INTO marker VALUES ('a')")
            return url
        }
        async let b = TestEnv.with(name: "db-isolation", infra: [.postgres]) { env in
            let url = try env.databaseURL()
            let rows = try await PostgresConnection.run(
                url: url, sql: "SELECT count(*) FROM information_schema.tables WHERE table_name = 'marker'")
            return (url, rows)
        }
        let (urlA, (urlB, tablesInB)) = try await (a, b)
        #expect(urlA != urlB)
        #expect(tablesInB == [["0"]])
        // Databases are dropped when their test ends (native backend: one shared cluster).
        guard (try? InfraSelection.fromEnvironment(ProcessInfo.processInfo.environment)) != .compose else { return }
        #expect(InfraEndpoints.hostPort(urlA)?.port == InfraEndpoints.hostPort(urlB)?.port, "one shared cluster")
        let cluster = try await PostgresCluster.shared.ensureRunning(base: TestDirectory.base())
        let name = String(urlA.split(separator: "/").last!)
        let left = try await PostgresConnection.run(url: cluster.adminURL, sql: "SELECT count(*) FROM pg_database WHERE datname = '\(name)'")
        #expect(left == [["0"]])
    }
}
