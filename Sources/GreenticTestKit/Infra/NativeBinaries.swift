import Foundation

/// Locates the infrastructure binaries the native backend runs.
package enum NativeBinaries {
    /// A binary that was looked for.
    public struct Requirement: Sendable, Equatable {
        public var name: String
        /// The install command, from the prerequisite list.
        public var installHint: String

        init(_ name: String) {
            self.name = name
            self.installHint = PrerequisiteList.builtIn.installCommand(for: name) ?? "install \(name) (see scripts/install-deps.sh)"
        }
    }

    public static func requirements(for kind: InfraKind) -> [Requirement] {
        switch kind.service {
        case .nats: [Requirement("nats-server")]
        case .redis: [Requirement("redis-server")]
        case .postgres: [Requirement("initdb"), Requirement("postgres")]
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
