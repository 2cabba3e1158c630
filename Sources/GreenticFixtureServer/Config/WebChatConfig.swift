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
