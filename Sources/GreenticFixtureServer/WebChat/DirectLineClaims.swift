import Crypto
import Foundation
import GreenticTestKit

/// The claims of a Direct Line token (greentic-contracts §8.2): issuer, audience, user (`sub`),
/// issued/not-before/expiry (Unix seconds), the time of the first issue that refreshes descend
/// from (`auth_time`), the tenant context and, once a conversation was started, the
/// conversation it is bound to (`conv`).
package struct DirectLineClaims: Sendable, Equatable {
    public var issuer: String
    public var audience: String
    public var user: String
    public var issuedAt: Int
    public var notBefore: Int
    public var expires: Int
    /// When the chain of refreshes this token belongs to began.
    public var authTime: Int
    public var env: String
    public var tenant: String
    public var team: String?
    public var conversation: String?

    public var json: JSONValue {
        var ctx: [String: JSONValue] = ["env": .string(env), "tenant": .string(tenant)]
        if let team { ctx["team"] = .string(team) }
        var o: [String: JSONValue] = ["iss": .string(issuer), "aud": .string(audience), "sub": .string(user),
                                      "iat": .number(Double(issuedAt)), "nbf": .number(Double(notBefore)),
                                      "exp": .number(Double(expires)), "auth_time": .number(Double(authTime)), "ctx": .object(ctx)]
        if let conversation { o["conv"] = .string(conversation) }
        return .object(o)
    }
}
