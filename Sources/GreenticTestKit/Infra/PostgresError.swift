import CLibPQ
import Foundation
import NIOPosix
import Synchronization

/// A Postgres connection or query failed.
package enum PostgresError: Error, CustomStringConvertible {
    case connection(url: String, message: String)
    case query(sql: String, message: String)

    /// The server refused the statement for the role's privileges (`permission denied …`).
    package var isPermissionDenied: Bool {
        if case .query(_, let message) = self { return message.lowercased().contains("permission denied") }
        return false
    }

    public var description: String {
        switch self {
        case .connection(let url, let message): "cannot connect to Postgres at \(url): \(message)"
        case .query(let sql, let message): "Postgres query failed (\(sql.prefix(80))): \(message)"
        }
    }
}
