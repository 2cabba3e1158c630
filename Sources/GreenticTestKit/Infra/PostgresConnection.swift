import CLibPQ
import Foundation
import NIOPosix
import Synchronization

/// A libpq connection for probes and per-test database management. Blocking calls run on
/// NIO's thread pool through the async helpers, never on an event loop.
/// One connection serves one query at a time (libpq's rule): `query` holds the connection's lock.
package final class PostgresConnection: Sendable {
    private let conn: Mutex<OpaquePointer>

    /// Connects with a libpq URL (`postgres://user@127.0.0.1:5432/db`); fails with the server's message.
    public init(url: String, connectTimeoutSeconds: Int = 5) throws {
        var full = url
        if !url.contains("connect_timeout") {
            full += (url.contains("?") ? "&" : "?") + "connect_timeout=\(connectTimeoutSeconds)"
        }
        guard let c = PQconnectdb(full) else { throw PostgresError.connection(url: Self.redact(url), message: "out of memory") }
        if PQstatus(c) != CONNECTION_OK {
            let message = String(cString: PQerrorMessage(c)).trimmingCharacters(in: .whitespacesAndNewlines)
            PQfinish(c)
            throw PostgresError.connection(url: Self.redact(url), message: message)
        }
        conn = Mutex(c)
    }

    deinit {
        conn.withLock { PQfinish($0) }
    }

    /// Runs SQL and returns the rows of the last result as text (nil for SQL NULL).
    @discardableResult
    public func query(_ sql: String) throws -> [[String?]] {
        try conn.withLock { conn in
            guard let result = PQexec(conn, sql) else {
                throw PostgresError.query(sql: sql, message: String(cString: PQerrorMessage(conn)))
            }
            defer { PQclear(result) }
            let status = PQresultStatus(result)
            guard status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK else {
                let message = String(cString: PQresultErrorMessage(result)).trimmingCharacters(in: .whitespacesAndNewlines)
                throw PostgresError.query(sql: sql, message: message)
            }
            var rows: [[String?]] = []
            for r in 0..<PQntuples(result) {
                var row: [String?] = []
                for c in 0..<PQnfields(result) {
                    row.append(PQgetisnull(result, r, c) == 1 ? nil : String(cString: PQgetvalue(result, r, c)))
                }
                rows.append(row)
            }
            return rows
        }
    }

    /// Connects, runs the SQL and disconnects, off the caller's thread.
    public static func run(url: String, sql: String) async throws -> [[String?]] {
        try await NIOThreadPool.singleton.runIfActive {
            try PostgresConnection(url: url).query(sql)
        }
    }

    /// Quotes a string literal for SQL (standard-conforming strings: `'` doubled; NUL refused).
    public static func quoteLiteral(_ value: String) throws -> String {
        guard !value.contains("\u{0}") else { throw PostgresError.query(sql: "", message: "a NUL character cannot be stored in a text value") }
        return "'" + value.replacingOccurrences(of: "'", with: "''") + "'"
    }

    /// Quotes an identifier for SQL.
    /// A test's folder name as the middle of a database or schema name: lower case, letters and
    /// digits, everything else `_`, at most 40 characters.
    package static func identifierLabel(_ name: String) -> String {
        String(name.lowercased().map { $0.isLetter || $0.isNumber ? $0 : "_" }.prefix(40))
    }

    public static func quoteIdentifier(_ name: String) -> String {
        "\"" + name.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }

    /// Hides the password of a URL for messages and artifacts.
    public static func redact(_ url: String) -> String {
        EnvironmentSnapshot.redactURL(url)
    }
}
