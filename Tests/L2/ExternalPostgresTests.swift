import Foundation
import GreenticTestKit
import GreenticTestKitTesting
import TestSupport
import Testing

/// `E2E_INFRA=external` against one shared Postgres: each test gets a database of its own (a
/// schema of its own when its role may not create databases), and teardown drops exactly that.
/// The "external" server is this test's native one, reached only through its URL.
@Suite("External Postgres: a database or schema per test", .tags(.infra, .postgres))
struct ExternalPostgresTests {
    static func external(_ url: String) -> TestEnvOptions {
        var environment = ProcessInfo.processInfo.environment
        environment["E2E_INFRA"] = "external"
        environment["E2E_DATABASE_URL"] = url
        return TestEnvOptions(environment: environment)
    }

    static func exists(_ sql: String, on url: String) async throws -> Bool {
        try await !PostgresConnection.run(url: url, sql: sql).isEmpty
    }

    @Test(.requires(infra: [.postgres]), .testEnv(infra: [.postgres]))
    func twoSuitesOnOneServerEachGetADatabaseThatTeardownDrops() async throws {
        let env = try TestEnv.required()
        let shared = try env.databaseURL()
        async let first = TestEnv.with(name: "suite-a", infra: [.postgres], options: Self.external(shared)) { a in
            let url = try a.databaseURL()
            _ = try await PostgresConnection.run(url: url, sql: "CREATE TABLE orders (id text); INSERT INTO orders VALUES ('a-1')")
            return (url, a.endpoints.backend)
        }
        async let second = TestEnv.with(name: "suite-b", infra: [.postgres], options: Self.external(shared)) { b in
            let url = try b.databaseURL()
            _ = try await PostgresConnection.run(url: url, sql: "CREATE TABLE orders (id text); INSERT INTO orders VALUES ('b-1')")
            return url
        }
        let ((a, backend), b) = try await (first, second)
        #expect(backend == "external")
        #expect(a != b && a != shared && b != shared, "\(a) \(b)")
        #expect(a.contains("/e2e_suite_a_") && b.contains("/e2e_suite_b_"), "named after the test: \(a) \(b)")
        for url in [a, b] {
            let name = String(try #require(URLComponents(string: url)?.path.dropFirst()))
            #expect(try await !Self.exists("SELECT 1 FROM pg_database WHERE datname = \(try PostgresConnection.quoteLiteral(name))", on: shared),
                    "\(name) is dropped at teardown")
        }
        #expect(try await !Self.exists("SELECT 1 FROM information_schema.tables WHERE table_name = 'orders'", on: shared),
                "the shared database itself was never written")
    }

    @Test(.requires(infra: [.postgres]), .testEnv(infra: [.postgres]))
    func aRoleThatMayNotCreateDatabasesGetsASchema() async throws {
        let env = try TestEnv.required()
        let shared = try env.databaseURL()
        let role = env.scopedName("limited").lowercased()
        let database = String(try #require(URLComponents(string: shared)?.path.dropFirst()))
        _ = try await PostgresConnection.run(url: shared, sql: "CREATE ROLE \(role) LOGIN NOCREATEDB; GRANT CREATE ON DATABASE \(PostgresConnection.quoteIdentifier(database)) TO \(role)")
        var limited = try #require(URLComponents(string: shared))
        limited.user = role
        let url = try #require(limited.string)
        let schema = try await TestEnv.with(name: "limited-suite", infra: [.postgres], options: Self.external(url)) { t in
            let scoped = try t.databaseURL()
            #expect(scoped.contains("search_path"), "\(scoped)")
            _ = try await PostgresConnection.run(url: scoped, sql: "CREATE TABLE orders (id text); INSERT INTO orders VALUES ('s-1')")
            let rows = try await PostgresConnection.run(url: scoped, sql: "SELECT current_schema(), (SELECT id FROM orders)")
            return try #require(rows.first?.first ?? nil)
        }
        #expect(schema.hasPrefix("e2e_limited_suite"), "\(schema)")
        #expect(try await !Self.exists("SELECT 1 FROM information_schema.schemata WHERE schema_name = \(try PostgresConnection.quoteLiteral(schema))", on: shared),
                "the schema is dropped at teardown")
        _ = try await PostgresConnection.run(url: shared, sql: "REVOKE CREATE ON DATABASE \(PostgresConnection.quoteIdentifier(database)) FROM \(role); DROP ROLE \(role)")
    }
}
