import Foundation

/// A test's own corner of an external Postgres (`E2E_DATABASE_URL`): a database of its own when
/// the role may create one, else a schema of its own in the given database (the URL then sets
/// `search_path` to it). `drop()` removes exactly what was created, nothing else.
package struct ExternalPostgresScope: Sendable {
    /// How the test was kept apart.
    package enum Kind: String, Sendable { case database, schema }

    package let kind: Kind
    /// The database or schema created.
    package let name: String
    /// The URL the test uses.
    package let url: String
    /// The URL given (the shared database), used to drop what was created.
    let sharedURL: String

    /// Creates the test's database, or its schema when `CREATE DATABASE` is refused.
    package static func create(sharedURL: String, name: String) async throws -> ExternalPostgresScope {
        let quoted = PostgresConnection.quoteIdentifier(name)
        do {
            _ = try await PostgresConnection.run(url: sharedURL, sql: "CREATE DATABASE \(quoted)")
            let url = try replacingDatabase(of: sharedURL, with: name)
            _ = try await PostgresConnection.run(url: url, sql: "SELECT 1")
            return ExternalPostgresScope(kind: .database, name: name, url: url, sharedURL: sharedURL)
        } catch let refused as PostgresError where refused.isPermissionDenied {
            _ = try await PostgresConnection.run(url: sharedURL, sql: "CREATE SCHEMA \(quoted)")
            let url = try addingSearchPath(to: sharedURL, schema: name)
            _ = try await PostgresConnection.run(url: url, sql: "SELECT 1")
            return ExternalPostgresScope(kind: .schema, name: name, url: url, sharedURL: sharedURL)
        }
    }

    /// Drops the database (closing its sessions) or the schema with what it holds.
    package func drop() async throws {
        let quoted = PostgresConnection.quoteIdentifier(name)
        switch kind {
        case .database: _ = try await PostgresConnection.run(url: sharedURL, sql: "DROP DATABASE IF EXISTS \(quoted) WITH (FORCE)")
        case .schema: _ = try await PostgresConnection.run(url: sharedURL, sql: "DROP SCHEMA IF EXISTS \(quoted) CASCADE")
        }
    }

    /// `postgres://u@h:p/shared?x=y` → `postgres://u@h:p/NAME?x=y`.
    static func replacingDatabase(of url: String, with database: String) throws -> String {
        guard var components = URLComponents(string: url), components.host != nil else {
            throw TestEnvError.invalidConfiguration("E2E_DATABASE_URL \(EnvironmentSnapshot.redactURL(url)) is not a postgres:// URL")
        }
        components.path = "/" + database
        guard let result = components.string else { throw TestEnvError.invalidConfiguration("cannot build a URL for database \(database)") }
        return result
    }

    /// The URL with libpq's `options=-c search_path=NAME` added, so every connection starts in the schema.
    static func addingSearchPath(to url: String, schema: String) throws -> String {
        guard var components = URLComponents(string: url), components.host != nil else {
            throw TestEnvError.invalidConfiguration("E2E_DATABASE_URL \(EnvironmentSnapshot.redactURL(url)) is not a postgres:// URL")
        }
        var items = (components.queryItems ?? []).filter { $0.name != "options" }
        items.append(URLQueryItem(name: "options", value: "-csearch_path=\(schema)"))
        components.queryItems = items
        // `=` inside a query value must reach libpq escaped.
        components.percentEncodedQuery = components.percentEncodedQuery?.replacingOccurrences(of: "search_path=", with: "search_path%3D")
        guard let result = components.string else { throw TestEnvError.invalidConfiguration("cannot build a URL for schema \(schema)") }
        return result
    }
}
