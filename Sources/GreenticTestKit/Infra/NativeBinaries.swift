import Foundation

/// Locates the infrastructure binaries the native backend runs.
package enum NativeBinaries {
    /// A binary that was looked for.
    public struct Requirement: Sendable, Equatable {
        public var name: String
        public var installHint: String
    }

    public static func requirements(for kind: InfraKind) -> [Requirement] {
        switch kind {
        case .nats: [Requirement(name: "nats-server", installHint: "apt-get install -y nats-server")]
        case .redis: [Requirement(name: "redis-server", installHint: "apt-get install -y redis-server")]
        case .postgres: [
            Requirement(name: "initdb", installHint: "apt-get install -y postgresql"),
            Requirement(name: "postgres", installHint: "apt-get install -y postgresql"),
        ]
        }
    }

    /// Postgres's versioned binary folders (`/usr/lib/postgresql/<v>/bin`), newest first.
    public static var postgresSearchPaths: [String] {
        let root = "/usr/lib/postgresql"
        let versions = (try? FileManager.default.contentsOfDirectory(atPath: root)) ?? []
        return versions.sorted { (Int($0) ?? 0) > (Int($1) ?? 0) }.map { "\(root)/\($0)/bin" }
    }

    public static func searchPaths(for name: String) -> [String] {
        ["initdb", "postgres", "pg_ctl"].contains(name) ? postgresSearchPaths : []
    }

    public static func locate(_ name: String) throws -> String {
        try ExecutableLocator.locate(name, extraPaths: searchPaths(for: name))
    }

    public static func missing(for kinds: [InfraKind]) -> [Requirement] {
        kinds.flatMap(requirements(for:)).filter { (try? locate($0.name)) == nil }
    }
}
