import Foundation

/// The prerequisites of the kit, checked on this machine: each found (with version and path)
/// or missing (with the command that installs it), and which tiers and infra backends can run.
public struct Doctor: Sendable {
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

    /// Runs every check (each command bounded to 10 s).
    public static func run(environment: [String: String] = ProcessInfo.processInfo.environment) async -> Doctor {
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
        let apt = "apt-get install -y"
        var checks: [Check] = []
        let swift = locate("swift")
        checks.append(Check(name: "swift toolchain", found: swift != nil, version: await version(swift, ["--version"], pattern: #"Swift version [0-9.]+"#),
                            path: swift, install: "install Swift 6.1 or later from swift.org", tiers: ["l0", "l1", "l2"]))
        let nats = locate("nats-server")
        checks.append(Check(name: "nats-server", found: nats != nil, version: await version(nats, ["--version"]), path: nats,
                            install: "\(apt) nats-server", tiers: ["l1", "l2"]))
        let postgres = locate("postgres"), initdb = locate("initdb")
        checks.append(Check(name: "postgres", found: postgres != nil && initdb != nil, version: await version(postgres, ["--version"]),
                            path: postgres, install: "\(apt) postgresql", tiers: ["l1", "l2"]))
        let redis = locate("redis-server")
        checks.append(Check(name: "redis-server", found: redis != nil, version: await version(redis, ["--version"], pattern: #"v=[0-9.]+"#),
                            path: redis, install: "\(apt) redis-server", tiers: ["l1", "l2"]))
        let header = ["/usr/include/postgresql/libpq-fe.h", "/usr/include/libpq-fe.h"].first { FileManager.default.fileExists(atPath: $0) }
        let pgConfig = locate("pg_config")
        checks.append(Check(name: "libpq", found: header != nil, version: await version(pgConfig, ["--version"]), path: header,
                            install: "\(apt) libpq-dev", tiers: ["l0", "l1", "l2"]))
        let docker = locate("docker")
        let engine = docker == nil ? nil : await version(docker, ["info", "--format", "{{.ServerVersion}}"])
        checks.append(Check(name: "docker engine", found: engine != nil && engine?.isEmpty == false, version: engine, path: docker,
                            install: docker == nil ? "install Docker Engine (docs.docker.com/engine/install)" : "start a Docker engine (only the client is here)",
                            tiers: []))
        let chromium = ["CHROMIUM"].compactMap { environment[$0] }.first ?? locate("chromium") ?? locate("chromium-browser") ?? locate("google-chrome")
        checks.append(Check(name: "chromium", found: chromium != nil, version: await version(chromium, ["--version"]), path: chromium,
                            install: "\(apt) chromium", tiers: ["l2"]))
        let wrk = locate("wrk")
        checks.append(Check(name: "wrk", found: wrk != nil, version: await version(wrk, ["-v"], pattern: #"wrk [^ ]+"#), path: wrk,
                            install: "\(apt) wrk", tiers: ["l2"]))
        let python = locate("python3")
        let natsPy = python == nil ? nil : await version(python, ["-c", "import nats, importlib.metadata as m; print('nats-py', m.version('nats-py'))"])
        checks.append(Check(name: "python3 with nats-py", found: natsPy != nil, version: natsPy, path: python,
                            install: python == nil ? "\(apt) python3 python3-pip" : "python3 -m pip install nats-py", tiers: ["l1", "l2"]))
        let validator = python == nil ? nil : await version(python, ["-c", "import importlib.metadata as m; print('openapi-spec-validator', m.version('openapi-spec-validator'))"])
        checks.append(Check(name: "python3 with openapi-spec-validator", found: validator != nil, version: validator, path: python,
                            install: "python3 -m pip install openapi-spec-validator", tiers: ["l1", "l2"]))
        return Doctor(checks: checks)
    }
}
