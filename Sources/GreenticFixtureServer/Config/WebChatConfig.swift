/// The `[webchat]` section: Direct Line token signing, history bounds, the flow that answers
/// WebChat messages and the menu of the `/webchat/` page.
public struct WebChatConfig: Sendable, Equatable {
    /// HS256 secret; nil means a random key per start (tokens do not survive a restart).
    public var signingKey: String?
    public var issuer: String
    public var audience: String
    /// Token lifetime in seconds.
    public var tokenLifetime: Int
    public var maxActivities: Int
    public var maxConversations: Int
    public var maxActivityBytes: Int
    /// The flow user messages go to; nil = the first messaging flow of the packs.
    public var flow: String?
    public var menu: [String]

    public init(signingKey: String? = nil, issuer: String = "greentic.webchat", audience: String = "directline", tokenLifetime: Int = 1800,
                maxActivities: Int = 1024, maxConversations: Int = 10_000, maxActivityBytes: Int = 65_536, flow: String? = nil,
                menu: [String] = ["status of web-app", "please rebuild web-app"]) {
        self.signingKey = signingKey
        self.issuer = issuer
        self.audience = audience
        self.tokenLifetime = tokenLifetime
        self.maxActivities = maxActivities
        self.maxConversations = maxConversations
        self.maxActivityBytes = maxActivityBytes
        self.flow = flow
        self.menu = menu
    }
}
