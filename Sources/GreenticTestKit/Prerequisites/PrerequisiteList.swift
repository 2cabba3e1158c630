import Foundation

/// The project's one list of prerequisites (`Prerequisites/prerequisites.tsv`, compiled in; the same
/// file `scripts/install-deps.sh` installs from). `greentic-integration doctor` checks it, and a
/// skipped test names the install command it gives (`NativeBinaries`).
package struct PrerequisiteList: Sendable, Equatable {
    /// One line of the list.
    public struct Entry: Sendable, Equatable {
        public enum Source: String, Sendable { case deb, pip }
        /// How to tell the prerequisite is here.
        public enum Probe: Sendable, Equatable {
            case command(String)
            case file([String])
            case python(String)
        }
        public var name: String
        public var source: Source
        public var package: String
        public var tiers: Set<String>
        public var probe: Probe

        public init(name: String, source: Source, package: String, tiers: Set<String>, probe: Probe) {
            self.name = name
            self.source = source
            self.package = package
            self.tiers = tiers
            self.probe = probe
        }

        /// The command that installs it.
        public var installCommand: String {
            switch source {
            case .deb: "apt-get install -y \(package)"
            case .pip: "python3 -m pip install \(package)"
            }
        }
    }

    public var entries: [Entry]

    /// The list compiled into the kit.
    public static let builtIn: PrerequisiteList = {
        do { return try parse(String(decoding: PackageResources.prerequisites_tsv, as: UTF8.self)) } catch {
            preconditionFailure("the compiled-in prerequisites.tsv is malformed: \(error)")
        }
    }()

    /// A malformed line of the list.
    public struct ParseError: Error, CustomStringConvertible {
        public var line: Int
        public var reason: String
        public var description: String { "prerequisites.tsv line \(line): \(reason)" }
    }

    /// Parses the list: whitespace-separated `name source package tiers probe`, `#` comments.
    public static func parse(_ text: String) throws -> PrerequisiteList {
        var entries: [Entry] = []
        for (number, raw) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let line = raw.trimmingCharacters(in: .whitespaces)
            if line.isEmpty || line.hasPrefix("#") { continue }
            let fields = line.split(whereSeparator: { $0 == " " || $0 == "\t" }).map(String.init)
            guard fields.count == 5 else { throw ParseError(line: number + 1, reason: "expected 5 columns, got \(fields.count)") }
            guard let source = Entry.Source(rawValue: fields[1]) else {
                throw ParseError(line: number + 1, reason: "source must be deb or pip, got '\(fields[1])'")
            }
            let tiers = Set(fields[3].split(separator: ",").map(String.init))
            guard !tiers.isEmpty, tiers.isSubset(of: ["l0", "l1", "l2"]) else {
                throw ParseError(line: number + 1, reason: "tiers must be l0, l1 or l2, got '\(fields[3])'")
            }
            let probe: Entry.Probe
            let parts = fields[4].split(separator: ":", maxSplits: 1).map(String.init)
            switch (parts.first, parts.count) {
            case ("command", 2): probe = .command(parts[1])
            case ("file", 2): probe = .file(parts[1].split(separator: "|").map(String.init))
            case ("python", 2): probe = .python(parts[1])
            default: throw ParseError(line: number + 1, reason: "probe must be command:NAME, file:PATH or python:MODULE, got '\(fields[4])'")
            }
            entries.append(Entry(name: fields[0], source: source, package: fields[2], tiers: tiers, probe: probe))
        }
        return PrerequisiteList(entries: entries)
    }

    /// The entry of a name, if listed.
    public subscript(name: String) -> Entry? { entries.first { $0.name == name } }

    /// How to install the prerequisite that provides `command` (an entry of that name or whose
    /// probe is that command; `postgres` for Postgres's binaries).
    public func installCommand(for command: String) -> String? {
        let name = ["initdb", "postgres", "pg_ctl"].contains(command) ? "postgres" : command
        return entries.first { $0.name == name || $0.probe == .command(command) }?.installCommand
    }

    /// Whether a command a test runs is covered by the list (a `command:` probe, or the name).
    public func covers(command: String) -> Bool {
        entries.contains { $0.name == command || $0.probe == .command(command) }
    }

    /// Whether a Python module a test imports is covered by the list.
    public func covers(pythonModule module: String) -> Bool {
        entries.contains { $0.probe == .python(module) }
    }
}
