import Foundation
import GreenticTestKit

/// Tenant and team applied when a request or command does not give one (`[defaults]`).
public struct TenantDefaults: Sendable, Equatable {
    public var tenant: String?
    public var team: String?

    public init(tenant: String? = nil, team: String? = nil) {
        self.tenant = tenant
        self.team = team
    }
}

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
    public var sessionBackend: String
    public var sessionFile: String
    public var redisURL: String?
    public var redisPrefix: String?
    public var runnerURL: String?
    public var runnerTimeout: Duration
    public var defaults: TenantDefaults
    public var webchat: WebChatConfig
    /// Where values came from, for the startup log.
    public var sources: [String]

    /// The built-in defaults as a config layer.
    public static let defaultLayer: JSONValue = [
        "server": ["listen_addr": "127.0.0.1:8080", "max_body_bytes": 1_048_576, "auth_token": "", "auth_reads": true, "cors_origins": [],
                   "idle_timeout_secs": 60, "header_timeout_secs": 10, "body_timeout_secs": 30, "max_connections": 4096,
                   "max_header_count": 100, "max_header_bytes": 16_384],
        "packs": ["root": "Packs", "default_tenant": "dev"],
        "stores": ["session": ["backend": "file", "file_path": ".data/sessions.json", "redis_url": "", "redis_prefix": ""]],
        "runner": ["url": "", "timeout_ms": 10_000],
        "defaults": ["tenant": "", "team": ""],
        "webchat": ["signing_key": "", "issuer": "greentic.webchat", "audience": "directline", "token_ttl_secs": 1800,
                    "max_token_lifetime_secs": 86_400, "max_activities": 1024, "max_conversation_bytes": 262_144,
                    "max_conversations": 1000, "max_activity_bytes": 65_536, "stream_base_url": "", "flow": "",
                    "menu": ["status of web-app", "please rebuild web-app"]],
    ]

    /// Reads a merged config value. Unknown keys are ignored; wrong types are errors.
    public init(merged: JSONValue, workingDirectory: String = FileManager.default.currentDirectoryPath, sources: [String] = []) throws {
        func string(_ path: String) throws -> String {
            switch merged.value(atPath: path) {
            case .string(let s)?: return s
            case .number(let n)?: return JSONWriter.formatNumber(n)
            case nil, .null?: return ""
            default: throw ConfigError.invalidValue(key: path, reason: "expected a string")
            }
        }
        func int(_ path: String) throws -> Int {
            switch merged.value(atPath: path) {
            case .number(let n)? where n >= 0 && n == n.rounded(): return Int(n)
            case .string(let s)?: if let n = Int(s), n >= 0 { return n }
            default: break
            }
            throw ConfigError.invalidValue(key: path, reason: "expected a non-negative integer")
        }
        func bool(_ path: String) throws -> Bool {
            switch merged.value(atPath: path) {
            case .bool(let b)?: return b
            case .string(let s)?:
                switch s.lowercased() {
                case "true", "1", "yes", "on": return true
                case "false", "0", "no", "off": return false
                default: break
                }
            default: break
            }
            throw ConfigError.invalidValue(key: path, reason: "expected true or false")
        }
        /// A list, or one string split at `separators` (how environment variables give lists).
        func strings(_ path: String, separators: Set<Character>) throws -> [String] {
            switch merged.value(atPath: path) {
            case .array(let items)?:
                return try items.map {
                    guard let s = $0.stringValue else { throw ConfigError.invalidValue(key: path, reason: "expected a list of strings") }
                    return s
                }
            case .string(let s)?: return s.split(whereSeparator: { separators.contains($0) }).map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
            case nil, .null?: return []
            default: throw ConfigError.invalidValue(key: path, reason: "expected a list of strings")
            }
        }
        func optional(_ s: String) -> String? {
            let t = s.trimmingCharacters(in: .whitespaces)
            return t.isEmpty ? nil : t
        }
        func absolute(_ p: String) -> String {
            p.hasPrefix("/") ? p : URL(fileURLWithPath: p, relativeTo: URL(fileURLWithPath: workingDirectory, isDirectory: true)).standardizedFileURL.path
        }
        listenAddress = try string("server.listen_addr")
        _ = try ListenAddress(parsing: listenAddress)
        maxBodyBytes = try int("server.max_body_bytes")
        authToken = optional(try string("server.auth_token"))
        authReads = try bool("server.auth_reads")
        corsOrigins = try strings("server.cors_origins", separators: [",", " "])
        func seconds(_ path: String) throws -> Duration {
            let n = try int(path)
            guard n >= 1 else { throw ConfigError.invalidValue(key: path, reason: "expected at least 1 second") }
            return .seconds(n)
        }
        http = HTTPLimits(idleTimeout: try seconds("server.idle_timeout_secs"), headerTimeout: try seconds("server.header_timeout_secs"),
                          bodyTimeout: try seconds("server.body_timeout_secs"), maxConnections: max(1, try int("server.max_connections")),
                          maxHeaderCount: max(8, try int("server.max_header_count")), maxHeaderBytes: max(1024, try int("server.max_header_bytes")))
        for origin in corsOrigins where !Self.isOrigin(origin) {
            throw ConfigError.invalidValue(key: "server.cors_origins", reason: "'\(origin)' is not an origin (scheme://host[:port], no path)")
        }
        packsRoot = absolute(try string("packs.root"))
        defaultPlanTenant = optional(try string("packs.default_tenant")) ?? "dev"
        let backend = try string("stores.session.backend").lowercased()
        guard ["memory", "file", "redis"].contains(backend) else {
            throw ConfigError.invalidValue(key: "stores.session.backend", reason: "'\(backend)' is not memory, file or redis")
        }
        sessionBackend = backend
        sessionFile = absolute(try string("stores.session.file_path"))
        redisURL = optional(try string("stores.session.redis_url"))
        redisPrefix = optional(try string("stores.session.redis_prefix"))
        if backend == "redis" && redisURL == nil {
            throw ConfigError.invalidValue(key: "stores.session.redis_url", reason: "redis backend requires redis_url")
        }
        runnerURL = optional(try string("runner.url"))
        runnerTimeout = .milliseconds(try int("runner.timeout_ms"))
        defaults = TenantDefaults(tenant: optional(try string("defaults.tenant")), team: optional(try string("defaults.team")))
        for (key, value) in [("defaults.tenant", defaults.tenant), ("defaults.team", defaults.team)] {
            if let value, !NameSanitizer.isValidIdentifier(value) {
                throw ConfigError.invalidValue(key: key, reason: "'\(value)' is not an identifier ([A-Za-z0-9._-]+)")
            }
        }
        let menu = try strings("webchat.menu", separators: ["|"])
        let key = try string("webchat.signing_key")
        if !key.isEmpty && key.utf8.count < 16 {
            throw ConfigError.invalidValue(key: "webchat.signing_key", reason: "use at least 16 bytes (or leave it empty for a random key)")
        }
        webchat = WebChatConfig(signingKey: key.isEmpty ? nil : key, issuer: optional(try string("webchat.issuer")) ?? "greentic.webchat",
                                audience: optional(try string("webchat.audience")) ?? "directline",
                                tokenLifetime: max(1, try int("webchat.token_ttl_secs")),
                                maxTokenLifetime: max(1, try int("webchat.max_token_lifetime_secs")),
                                maxActivities: max(1, try int("webchat.max_activities")),
                                maxConversationBytes: max(1024, try int("webchat.max_conversation_bytes")),
                                maxConversations: max(1, try int("webchat.max_conversations")),
                                maxActivityBytes: max(256, try int("webchat.max_activity_bytes")),
                                streamBaseURL: optional(try string("webchat.stream_base_url")).map { $0.hasSuffix("/") ? String($0.dropLast()) : $0 },
                                flow: optional(try string("webchat.flow")), menu: menu)
        if let base = webchat.streamBaseURL, !(base.hasPrefix("ws://") || base.hasPrefix("wss://")) || URL(string: base)?.host == nil {
            throw ConfigError.invalidValue(key: "webchat.stream_base_url", reason: "'\(base)' is not a ws:// or wss:// URL")
        }
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

    /// The config as JSON for logs (no secrets: the Redis password is redacted).
    public var summaryJSON: JSONValue {
        [
            "server": ["listen_addr": .string(listenAddress), "max_body_bytes": .number(Double(maxBodyBytes)),
                       "auth_token": authToken == nil ? .null : "(set)", "auth_reads": .bool(authReads),
                       "cors_origins": .array(corsOrigins.map { .string($0) }),
                       "idle_timeout_secs": .number(Double(http.idleTimeout.components.seconds)),
                       "header_timeout_secs": .number(Double(http.headerTimeout.components.seconds)),
                       "body_timeout_secs": .number(Double(http.bodyTimeout.components.seconds)),
                       "max_connections": .number(Double(http.maxConnections)), "max_header_count": .number(Double(http.maxHeaderCount)),
                       "max_header_bytes": .number(Double(http.maxHeaderBytes))],
            "packs": ["root": .string(packsRoot), "default_tenant": .string(defaultPlanTenant)],
            "stores": ["session": [
                "backend": .string(sessionBackend), "file_path": .string(sessionFile),
                "redis_url": redisURL.map { .string(EnvironmentSnapshot.redactURL($0)) } ?? .null,
                "redis_prefix": redisPrefix.map { .string($0) } ?? .null,
            ]],
            "runner": ["url": runnerURL.map { .string($0) } ?? .null, "timeout_ms": .number(Double(runnerTimeout.wholeNanoseconds / 1_000_000))],
            "defaults": ["tenant": defaults.tenant.map { .string($0) } ?? .null, "team": defaults.team.map { .string($0) } ?? .null],
            "webchat": ["signing_key": webchat.signingKey == nil ? "random per start" : "(set)", "issuer": .string(webchat.issuer),
                        "audience": .string(webchat.audience), "token_ttl_secs": .number(Double(webchat.tokenLifetime)),
                        "max_activities": .number(Double(webchat.maxActivities)),
                        "max_conversation_bytes": .number(Double(webchat.maxConversationBytes)),
                        "max_conversations": .number(Double(webchat.maxConversations)),
                        "max_token_lifetime_secs": .number(Double(webchat.maxTokenLifetime)),
                        "stream_base_url": webchat.streamBaseURL.map { .string($0) } ?? .null, "flow": webchat.flow.map { .string($0) } ?? .null],
        ]
    }
}

extension ServerConfig {
    /// `scheme://host[:port]` with nothing after it, as browsers send in `Origin`.
    static func isOrigin(_ text: String) -> Bool {
        guard let url = URL(string: text), let scheme = url.scheme, ["http", "https"].contains(scheme.lowercased()), url.host != nil else { return false }
        return url.path.isEmpty && url.query == nil && url.fragment == nil && url.user == nil
    }
}

/// A literal `IP:port` listen address (`127.0.0.1:8080`, `[::1]:0`). Host names are refused.
public struct ListenAddress: Sendable, Equatable {
    public var host: String
    public var port: Int

    public init(parsing text: String) throws {
        var host: Substring
        var portText: Substring
        if text.hasPrefix("["), let close = text.firstIndex(of: "]") {
            host = text[text.index(after: text.startIndex)..<close]
            let rest = text[text.index(after: close)...]
            guard rest.hasPrefix(":") else { throw ConfigError.invalidValue(key: "server.listen_addr", reason: "invalid listen address \(text)") }
            portText = rest.dropFirst()
        } else {
            guard let colon = text.lastIndex(of: ":") else {
                throw ConfigError.invalidValue(key: "server.listen_addr", reason: "invalid listen address \(text) (expected IP:port)")
            }
            host = text[..<colon]
            portText = text[text.index(after: colon)...]
        }
        guard let port = Int(portText), (0...65535).contains(port), Self.isIPLiteral(String(host)) else {
            throw ConfigError.invalidValue(key: "server.listen_addr", reason: "invalid listen address \(text) (expected IP:port, such as 127.0.0.1:8080)")
        }
        self.host = String(host)
        self.port = port
    }

    static func isIPLiteral(_ host: String) -> Bool {
        var v4 = in_addr()
        var v6 = in6_addr()
        return inet_pton(AF_INET, host, &v4) == 1 || inet_pton(AF_INET6, host, &v6) == 1
    }
}
