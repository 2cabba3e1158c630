import Foundation
import GreenticTestKit

/// The fixture server's configuration (the original's keys, plus `runner.*` and body limits).
///
/// ```toml
/// [server]
/// listen_addr = "127.0.0.1:8080"   # IP:port; port 0 picks a free port
/// max_body_bytes = 1048576
/// auth_token = ""                  # when set, POST/DELETE need Authorization: Bearer <token>
/// auth_reads = true                # with auth_token: reading sessions and runner events needs it too
/// cors_origins = []                # origins a browser page may call from ("http://localhost:3000"); none by default
/// idle_timeout_secs = 60           # a connection with no request in progress is closed after this
/// header_timeout_secs = 10         # a request head must arrive within this of its first byte (else 408)
/// body_timeout_secs = 30           # reading a body may take this long (else 408)
/// max_connections = 4096           # beyond it new connections get 503
/// max_header_count = 100           # header fields per request (else 431)
/// max_header_bytes = 16384         # all header fields together (else 431)
/// [packs]
/// root = "Packs"                   # absolute, or relative to the working directory
/// default_tenant = "dev"           # tenant for `packs plan` when none is given
/// [stores.session]
/// backend = "file"                 # memory | file | redis
/// file_path = ".data/sessions.json"
/// redis_url = ""                   # required for redis
/// redis_prefix = "greentic:sessions"
/// [runner]
/// url = ""                         # runner base URL; empty = built-in echo runner
/// timeout_ms = 10000
/// [defaults]
/// tenant = ""
/// team = ""
/// [webchat]
/// signing_key = ""                 # HS256 secret for Direct Line tokens; empty = random per start
/// issuer = "greentic.webchat"
/// audience = "directline"
/// token_ttl_secs = 1800
/// max_token_lifetime_secs = 86400  # refreshing never keeps a token alive longer than this
/// max_activities = 1024            # history kept per conversation (oldest dropped first)
/// max_conversation_bytes = 262144  # ... and its size in bytes
/// max_conversations = 1000         # beyond it: evict one idle for a token lifetime, else 429
/// max_activity_bytes = 65536
/// stream_base_url = ""             # base of streamUrl (ws://host:port); empty = the bound address
/// flow = ""                        # flow for WebChat messages; empty = first messaging flow of the packs
/// menu = ["status of web-app", "please rebuild web-app"]   # buttons of the /webchat/ page
/// ```
public struct ServerConfig: Sendable, Equatable {
    public var listenAddress: String
    public var maxBodyBytes: Int
    /// Bearer token required by every mutating route (Direct Line routes have their own tokens).
    public var authToken: String?
    /// With `authToken`, reads of sessions and runner events need it too.
    public var authReads: Bool
    /// Origins allowed to call from a browser (CORS); empty = none.
    public var corsOrigins: [String]
    /// Timeouts and bounds per connection.
    public var http: HTTPLimits
    public var packsRoot: String
    public var defaultPlanTenant: String
    public var sessionBackend: SessionBackend
    public var sessionFile: String
    public var redisURL: String?
    public var redisPrefix: String?
    public var runnerURL: String?
    public var runnerTimeout: Duration
    public var defaults: TenantDefaults
    public var webchat: WebChatConfig
    /// Where values came from, for the startup log.
    public var sources: [String]

    /// The built-in defaults as a config layer: the one place a default is written (the HTTP
    /// limits' and WebChat's come from their types' own defaults).
    public static let defaultLayer: JSONValue = ConfigLayers.merge([
        "server": ["listen_addr": "127.0.0.1:8080", "max_body_bytes": 1_048_576, "auth_token": "", "auth_reads": true, "cors_origins": []],
        "packs": ["root": "Packs", "default_tenant": "dev"],
        "stores": ["session": ["backend": .string(SessionBackend.file.rawValue), "file_path": ".data/sessions.json", "redis_url": "", "redis_prefix": ""]],
        "runner": ["url": "", "timeout_ms": 10_000],
        "defaults": ["tenant": "", "team": ""],
    ], ["server": HTTPLimits().configLayer, "webchat": WebChatConfig().configLayer])

    /// Reads a merged config value. Unknown keys are ignored; wrong types are errors.
    public init(merged: JSONValue, workingDirectory: String = FileManager.default.currentDirectoryPath, sources: [String] = []) throws {
        let values = ConfigValues(merged: merged, workingDirectory: workingDirectory)
        listenAddress = try values.string("server.listen_addr")
        _ = try ListenAddress(parsing: listenAddress)
        maxBodyBytes = try values.int("server.max_body_bytes")
        authToken = try values.optional("server.auth_token")
        authReads = try values.bool("server.auth_reads")
        corsOrigins = try values.strings("server.cors_origins", separators: [",", " "])
        http = try HTTPLimits(values)
        for origin in corsOrigins where !Self.isOrigin(origin) {
            throw ConfigError.invalidValue(key: "server.cors_origins", reason: "'\(origin)' is not an origin (scheme://host[:port], no path)")
        }
        packsRoot = try values.path("packs.root")
        defaultPlanTenant = try values.nonEmpty("packs.default_tenant")
        let backendName = try values.string(KitCommandContract.ConfigKey.sessionBackend.rawValue).lowercased()
        guard let backend = SessionBackend(rawValue: backendName) else {
            let names = SessionBackend.allCases.map(\.rawValue)
            throw ConfigError.invalidValue(key: "stores.session.backend", reason: "'\(backendName)' is not \(names.dropLast().joined(separator: ", ")) or \(names.last!)")
        }
        sessionBackend = backend
        sessionFile = try values.path(KitCommandContract.ConfigKey.sessionFilePath.rawValue)
        redisURL = try values.optional(KitCommandContract.ConfigKey.sessionRedisURL.rawValue)
        redisPrefix = try values.optional("stores.session.redis_prefix")
        if backend == .redis && redisURL == nil {
            throw ConfigError.invalidValue(key: "stores.session.redis_url", reason: "redis backend requires redis_url")
        }
        runnerURL = try values.optional(KitCommandContract.ConfigKey.runnerURL.rawValue)
        runnerTimeout = .milliseconds(try values.int("runner.timeout_ms"))
        defaults = TenantDefaults(tenant: try values.optional("defaults.tenant"), team: try values.optional("defaults.team"))
        for (key, value) in [("defaults.tenant", defaults.tenant), ("defaults.team", defaults.team)] {
            if let value, !NameSanitizer.isValidIdentifier(value) {
                throw ConfigError.invalidValue(key: key, reason: "'\(value)' is not an identifier ([A-Za-z0-9._-]+)")
            }
        }
        webchat = try WebChatConfig(values)
        self.sources = sources
    }

    /// Loads defaults < TOML file < `GREENTIC_*` environment < CLI overrides. The file is
    /// `configFile` when given (it must exist), else `config/dev.toml` in the working directory,
    /// else `$XDG_CONFIG_HOME/greentic-integration/config.toml` (or `~/.config/…`), else none.
    /// `GREENTIC_RUNNER_URL` and `RUNNER_PROXY_URL` set `runner.url`.
    public static func load(configFile: String? = nil, environment: [String: String] = ProcessInfo.processInfo.environment,
                            overrides: JSONValue? = nil,
                            workingDirectory: String = FileManager.default.currentDirectoryPath) throws -> ServerConfig {
        var sources = ["defaults"]
        var fileLayer: JSONValue?
        if let file = try locateFile(configFile, environment: environment, workingDirectory: workingDirectory) {
            fileLayer = try ConfigLoader.load(file: URL(fileURLWithPath: file))
            sources.append(file)
        }
        var envLayer = ConfigLoader.environmentLayer(environment)
        let runnerURL = environment["GREENTIC_RUNNER_URL"].flatMap { $0.isEmpty ? nil : $0 }
            ?? environment["RUNNER_PROXY_URL"].flatMap { $0.isEmpty ? nil : $0 }
        if let runnerURL {
            envLayer = ConfigLayers.merge(envLayer ?? .object([:]), ["runner": ["url": .string(runnerURL)]])
        }
        if envLayer != nil { sources.append("environment") }
        if overrides != nil { sources.append("command line") }
        let layers = ConfigLayers(defaults: defaultLayer, project: fileLayer, env: envLayer, cli: overrides)
        return try ServerConfig(merged: layers.merged(), workingDirectory: workingDirectory, sources: sources)
    }

    static func locateFile(_ explicit: String?, environment: [String: String], workingDirectory: String) throws -> String? {
        let fm = FileManager.default
        if let explicit {
            let path = explicit.hasPrefix("/") ? explicit : workingDirectory + "/" + explicit
            guard fm.fileExists(atPath: path) else { throw ConfigError.unreadable(path: path) }
            return path
        }
        let project = workingDirectory + "/config/dev.toml"
        if fm.fileExists(atPath: project) { return project }
        let configHome = environment["XDG_CONFIG_HOME"].flatMap { $0.isEmpty ? nil : $0 }
            ?? environment["HOME"].map { $0 + "/.config" }
        if let configHome {
            let user = configHome + "/greentic-integration/config.toml"
            if fm.fileExists(atPath: user) { return user }
        }
        return nil
    }

    /// The config as JSON for logs (no secrets: tokens and keys show as set or not, the Redis
    /// password is redacted).
    public var summaryJSON: JSONValue {
        let webchatSummary = ConfigLayers.merge(webchat.configLayer, ["signing_key": webchat.signingKey == nil ? "random per start" : "(set)"])
        return ConfigLayers.merge([
            "server": ["listen_addr": .string(listenAddress), "max_body_bytes": .number(Double(maxBodyBytes)),
                       "auth_token": authToken == nil ? .null : "(set)", "auth_reads": .bool(authReads),
                       "cors_origins": .array(corsOrigins.map { .string($0) })],
            "packs": ["root": .string(packsRoot), "default_tenant": .string(defaultPlanTenant)],
            "stores": ["session": [
                "backend": .string(sessionBackend.rawValue), "file_path": .string(sessionFile),
                "redis_url": redisURL.map { .string(EnvironmentSnapshot.redactURL($0)) } ?? .null,
                "redis_prefix": redisPrefix.map { .string($0) } ?? .null,
            ]],
            "runner": ["url": runnerURL.map { .string($0) } ?? .null, "timeout_ms": .number(runnerTimeout.fractionalMilliseconds)],
            "defaults": ["tenant": defaults.tenant.map { .string($0) } ?? .null, "team": defaults.team.map { .string($0) } ?? .null],
        ], ["server": http.configLayer, "webchat": webchatSummary])
    }
}

extension ServerConfig {
    /// `scheme://host[:port]` with nothing after it, as browsers send in `Origin`.
    static func isOrigin(_ text: String) -> Bool {
        guard let url = URL(string: text), let scheme = url.scheme, ["http", "https"].contains(scheme.lowercased()), url.host != nil else { return false }
        return url.path.isEmpty && url.query == nil && url.fragment == nil && url.user == nil
    }
}
