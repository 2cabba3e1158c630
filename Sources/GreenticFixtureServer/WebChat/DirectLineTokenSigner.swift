import Crypto
import Foundation
import GreenticTestKit

/// Issues and verifies HS256 JWTs for the Direct Line backend.
package struct DirectLineTokenSigner: Sendable {
    let secret: [UInt8]
    var key: SymmetricKey { SymmetricKey(data: secret) }
    public let issuer: String
    public let audience: String
    public let lifetime: Int
    /// Longest a refresh chain lasts, from its first issue (`auth_time`), in seconds.
    public let maxLifetime: Int
    /// Clock skew allowed on `nbf` and `exp`, in seconds.
    public let leeway: Int

    public init(secret: [UInt8], issuer: String = "greentic.webchat", audience: String = "directline", lifetime: Int = 1800,
                maxLifetime: Int = 86_400, leeway: Int = 5) {
        self.secret = secret
        self.issuer = issuer
        self.audience = audience
        self.lifetime = lifetime
        self.maxLifetime = max(1, maxLifetime)
        self.leeway = leeway
    }

    /// A signed token for a user in a tenant context, optionally bound to a conversation. A
    /// token that continues a chain (a refresh, a conversation's bound token) passes the chain's
    /// `authTime`; it never outlives `authTime + maxLifetime`.
    public func issue(user: String, env: String, tenant: String, team: String?, conversation: String? = nil, authTime: Int? = nil,
                      now: Int = Int(Date().timeIntervalSince1970)) -> (token: String, claims: DirectLineClaims) {
        let start = authTime ?? now
        let claims = DirectLineClaims(issuer: issuer, audience: audience, user: user, issuedAt: now, notBefore: now,
                                      expires: min(now + lifetime, start + maxLifetime), authTime: start, env: env, tenant: tenant, team: team,
                                      conversation: conversation)
        let header = Self.base64URL(Data(#"{"alg":"HS256","typ":"JWT"}"#.utf8))
        let payload = Self.base64URL(Data(JSONWriter.compact(claims.json).utf8))
        let signature = HMAC<SHA256>.authenticationCode(for: Data("\(header).\(payload)".utf8), using: key)
        return ("\(header).\(payload).\(Self.base64URL(Data(signature)))", claims)
    }

    /// Checks signature, algorithm, issuer, audience, `nbf` and `exp`.
    public func verify(_ token: String, now: Int = Int(Date().timeIntervalSince1970)) throws(DirectLineTokenError) -> DirectLineClaims {
        let parts = token.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 3, let headerData = Self.decodeBase64URL(parts[0]), let payloadData = Self.decodeBase64URL(parts[1]),
              let signature = Self.decodeBase64URL(parts[2]) else {
            throw .invalid("expected three base64url parts")
        }
        // Only the canonical encoding counts (no alternative spelling of the same signature bytes).
        guard Self.base64URL(signature) == parts[2] else { throw .invalid("signature is not canonical base64url") }
        guard let header = try? JSONValue.parse(headerData), header["alg"] == "HS256" else { throw .invalid("algorithm must be HS256") }
        guard HMAC<SHA256>.isValidAuthenticationCode(signature, authenticating: Data("\(parts[0]).\(parts[1])".utf8), using: key) else {
            throw .invalid("bad signature")
        }
        guard let p = try? JSONValue.parse(payloadData), let sub = p["sub"]?.stringValue, let exp = p["exp"]?.intValue,
              let env = p.value(atPath: "ctx.env")?.stringValue, let tenant = p.value(atPath: "ctx.tenant")?.stringValue else {
            throw .invalid("missing claims (sub, exp, ctx.env, ctx.tenant)")
        }
        guard p["iss"]?.stringValue == issuer else { throw .invalid("issuer is not \(issuer)") }
        guard p["aud"]?.stringValue == audience else { throw .invalid("audience is not \(audience)") }
        let nbf = p["nbf"]?.intValue ?? 0
        guard nbf <= now + leeway else { throw .invalid("not valid before \(nbf)") }
        guard exp + leeway > now else { throw .expired }
        return DirectLineClaims(issuer: issuer, audience: audience, user: sub, issuedAt: p["iat"]?.intValue ?? nbf, notBefore: nbf,
                                expires: exp, authTime: p["auth_time"]?.intValue ?? p["iat"]?.intValue ?? nbf, env: env, tenant: tenant, team: p.value(atPath: "ctx.team")?.stringValue,
                                conversation: p["conv"]?.stringValue)
    }

    /// A refreshed token for the same user, context and conversation, refused once the chain
    /// is `maxLifetime` old.
    public func refresh(_ claims: DirectLineClaims, now: Int = Int(Date().timeIntervalSince1970)) throws(DirectLineTokenError)
        -> (token: String, claims: DirectLineClaims) {
        guard now < claims.authTime + maxLifetime else { throw .lifetimeExceeded(maxLifetime) }
        return issue(user: claims.user, env: claims.env, tenant: claims.tenant, team: claims.team, conversation: claims.conversation,
                     authTime: claims.authTime, now: now)
    }

    public static func base64URL(_ data: Data) -> String {
        data.base64EncodedString().replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }

    static func decodeBase64URL(_ text: Substring) -> Data? {
        guard !text.isEmpty, text.allSatisfy({ $0.isLetter && $0.isASCII || $0.isNumber && $0.isASCII || $0 == "-" || $0 == "_" }) else { return nil }
        var s = text.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        while s.count % 4 != 0 { s += "=" }
        return Data(base64Encoded: s)
    }
}
