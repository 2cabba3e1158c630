import Foundation
import GreenticTestKit

/// The `[webchat]` section: Direct Line token signing, history bounds, the flow that answers
/// WebChat messages and the menu of the `/webchat/` page.
public struct WebChatConfig: Sendable, Equatable {
    /// HS256 secret; nil means a random key per start (tokens do not survive a restart).
    public var signingKey: String?
    public var issuer: String
    public var audience: String
    /// Token lifetime in seconds.
    public var tokenLifetime: Int
    /// Longest a token can be kept alive by refreshing, from its first issue, in seconds.
    public var maxTokenLifetime: Int
    /// History kept per conversation: at most this many activities and this many bytes of them.
    public var maxActivities: Int
    public var maxConversationBytes: Int
    /// Conversations kept; beyond it, one idle longer than a token lifetime makes room, or 429.
    public var maxConversations: Int
    public var maxActivityBytes: Int
    /// The base of `streamUrl` (`ws://host:port`); nil = the address the server is bound to.
    public var streamBaseURL: String?
    /// The flow user messages go to; nil = the first messaging flow of the packs.
    public var flow: String?
    public var menu: [String]

    public init(signingKey: String? = nil, issuer: String = "greentic.webchat", audience: String = "directline", tokenLifetime: Int = 1800,
                maxTokenLifetime: Int = 86_400, maxActivities: Int = 1024, maxConversationBytes: Int = 262_144, maxConversations: Int = 1000,
                maxActivityBytes: Int = 65_536, streamBaseURL: String? = nil, flow: String? = nil,
                menu: [String] = ["status of web-app", "please rebuild web-app"]) {
        self.signingKey = signingKey
        self.issuer = issuer
        self.audience = audience
        self.tokenLifetime = tokenLifetime
        self.maxTokenLifetime = maxTokenLifetime
        self.maxActivities = maxActivities
        self.maxConversationBytes = maxConversationBytes
        self.maxConversations = maxConversations
        self.maxActivityBytes = maxActivityBytes
        self.streamBaseURL = streamBaseURL
        self.flow = flow
        self.menu = menu
    }
}

extension WebChatConfig {
    /// The `[webchat]` keys as a config layer (the signing key as it is: redact it before logging).
    var configLayer: JSONValue {
        ["signing_key": .string(signingKey ?? ""), "issuer": .string(issuer), "audience": .string(audience),
         "token_ttl_secs": .number(Double(tokenLifetime)), "max_token_lifetime_secs": .number(Double(maxTokenLifetime)),
         "max_activities": .number(Double(maxActivities)), "max_conversation_bytes": .number(Double(maxConversationBytes)),
         "max_conversations": .number(Double(maxConversations)), "max_activity_bytes": .number(Double(maxActivityBytes)),
         "stream_base_url": .string(streamBaseURL ?? ""), "flow": .string(flow ?? ""), "menu": .array(menu.map { .string($0) })]
    }

    /// Reads the `[webchat]` section.
    init(_ values: ConfigValues) throws {
        let key = try values.string("webchat.signing_key")
        if !key.isEmpty && key.utf8.count < 16 {
            throw ConfigError.invalidValue(key: "webchat.signing_key", reason: "use at least 16 bytes (or leave it empty for a random key)")
        }
        self.init(signingKey: key.isEmpty ? nil : key, issuer: try values.nonEmpty("webchat.issuer"), audience: try values.nonEmpty("webchat.audience"),
                  tokenLifetime: try values.int("webchat.token_ttl_secs", atLeast: 1),
                  maxTokenLifetime: try values.int("webchat.max_token_lifetime_secs", atLeast: 1),
                  maxActivities: try values.int("webchat.max_activities", atLeast: 1),
                  maxConversationBytes: try values.int("webchat.max_conversation_bytes", atLeast: 1024),
                  maxConversations: try values.int("webchat.max_conversations", atLeast: 1),
                  maxActivityBytes: try values.int("webchat.max_activity_bytes", atLeast: 256),
                  streamBaseURL: try values.optional("webchat.stream_base_url").map { $0.hasSuffix("/") ? String($0.dropLast()) : $0 },
                  flow: try values.optional("webchat.flow"), menu: try values.strings("webchat.menu", separators: ["|"]))
        if let base = streamBaseURL, !(base.hasPrefix("ws://") || base.hasPrefix("wss://")) || URL(string: base)?.host == nil {
            throw ConfigError.invalidValue(key: "webchat.stream_base_url", reason: "'\(base)' is not a ws:// or wss:// URL")
        }
    }
}
