import Foundation
import GreenticTestKit

/// What `greentic-integration doctor` reports: the kit's prerequisites checked on this machine,
/// each found (with version and path) or missing (with the command that installs it), and which
/// tiers and infra backends can run.
struct Doctor: Sendable {
    /// One prerequisite.
    public struct Check: Sendable, Equatable {
        public var name: String
        public var found: Bool
        public var version: String?
        public var path: String?
        /// How to get it when it is missing.
        public var install: String
        /// Tiers (`l0`, `l1`, `l2`) whose tests need it; tiers are cumulative (`l2` runs L0 and L1 too).
        public var tiers: Set<String>

        public var json: JSONValue {
            ["name": .string(name), "found": .bool(found), "version": version.map { .string($0) } ?? .null,
             "path": path.map { .string($0) } ?? .null, "install": .string(install), "tiers": .array(tiers.sorted().map { .string($0) })]
        }
    }

    public var checks: [Check]

    /// Tiers whose every prerequisite was found.
    public var runnableTiers: [String] {
        ["l0", "l1", "l2"].filter { tier in checks.allSatisfy { $0.found || !$0.tiers.contains(tier) } }
    }

    /// Infra backends that can run here: native (the binaries), compose (a Docker engine).
    public var backends: [String: Bool] {
        let found = Set(checks.filter(\.found).map(\.name))
        return ["native": ["nats-server", "postgres", "redis-server", "libpq"].allSatisfy(found.contains),
                "compose": found.contains("docker engine"), "external": true]
    }

    /// What a tier needs and is missing (`all` = every tier).
    public func missing(for tier: String) -> [Check] {
        checks.filter { !$0.found && (tier == "all" ? !$0.tiers.isEmpty : $0.tiers.contains(tier)) }
    }

    public var json: JSONValue {
        ["checks": .array(checks.map(\.json)), "runnable_tiers": .array(runnableTiers.map { .string($0) }),
         "backends": .object(backends.mapValues { .bool($0) })]
    }

    /// Runs every check of the prerequisite list, plus the toolchain and a Docker engine (each
    /// command bounded to 10 s).
    public static func run(environment: [String: String] = ProcessInfo.processInfo.environment,
                           list: PrerequisiteList = .builtIn) async -> Doctor {
        func locate(_ name: String, extra: [String] = []) -> String? {
            (try? NativeBinaries.locate(name)) ?? (try? ExecutableLocator.locate(name, extraPaths: extra, environment: environment))
        }
        func version(_ path: String?, _ args: [String], pattern: String? = nil) async -> String? {
            guard let path, let out = try? await CommandRunner.run(path, args, timeout: .seconds(10)) else { return nil }
            let text = (out.stdout + out.stderr).trimmingCharacters(in: .whitespacesAndNewlines)
            let line = text.split(separator: "\n").first.map(String.init) ?? text
            // Some tools (wrk) print their version with a non-zero exit; a matching line counts.
            if let pattern { return line.range(of: pattern, options: .regularExpression).map { String(line[$0]) } }
            return out.status == 0 ? line : nil
        }
        var checks: [Check] = []
        let swift = locate("swift")
        checks.append(Check(name: "swift toolchain", found: swift != nil, version: await version(swift, ["--version"], pattern: #"Swift version [0-9.]+"#),
                            path: swift, install: "install Swift 6.1 or later from swift.org", tiers: ["l0", "l1", "l2"]))
        // Everything installable comes from the one list (scripts/install-deps.sh installs it).
        let python = locate("python3")
        for entry in list.entries {
            switch entry.probe {
            case .command(let name):
                let aliases = name == "chromium" ? ["chromium-browser", "google-chrome"] : []
                let override = name == "chromium" ? environment["CHROMIUM"] : nil
                let path = override ?? ([name] + aliases).lazy.compactMap { locate($0) }.first
                // Some tools (wrk) print their version with -v and a non-zero exit.
                var found: String?
                if path != nil {
                    found = await version(path, ["--version"], pattern: #".*[0-9]+\.[0-9]+.*"#)
                    if found == nil { found = await version(path, ["-v"], pattern: #".*[0-9]+\.[0-9]+.*"#) }
                }
                checks.append(Check(name: entry.name, found: path != nil, version: found, path: path, install: entry.installCommand, tiers: entry.tiers))
            case .file(let paths):
                let path = paths.first { FileManager.default.fileExists(atPath: $0) }
                checks.append(Check(name: entry.name, found: path != nil, version: nil, path: path, install: entry.installCommand, tiers: entry.tiers))
            case .python(let module):
                let distribution = entry.source == .pip ? entry.package : module
                let found = python == nil ? nil : await version(python, ["-c", "import \(module), importlib.metadata as m; print('\(distribution)', m.version('\(distribution)'))"])
                checks.append(Check(name: entry.name, found: found != nil, version: found, path: python,
                                    install: python == nil ? "apt-get install -y python3 then \(entry.installCommand)" : entry.installCommand,
                                    tiers: entry.tiers))
            }
        }
        let docker = locate("docker")
        let engine = docker == nil ? nil : await version(docker, ["info", "--format", "{{.ServerVersion}}"])
        checks.append(Check(name: "docker engine", found: engine != nil && engine?.isEmpty == false, version: engine, path: docker,
                            install: docker == nil ? "install Docker Engine (docs.docker.com/engine/install)" : "start a Docker engine (only the client is here)",
                            tiers: []))
        return Doctor(checks: checks)
    }
}
