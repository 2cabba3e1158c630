import Foundation

/// Checks messages against the platform's envelope contracts: `TenantCtx` (env, tenant and
/// tenant_id mirrored, team/user pairs mirrored, attempt ≥ 0, identifiers `[A-Za-z0-9._-]+`),
/// `ChannelMessageEnvelope` (id, tenant, channel, session_id; string metadata) and
/// `EventEnvelope` (id, topic, type, source, tenant, RFC 3339 time, payload).
package enum EnvelopeValidator {
    public static func tenantContext(_ ctx: JSONValue, at path: String = "tenant") -> [String] {
        guard case .object(let o) = ctx else { return ["\(path): must be an object"] }
        var errors: [String] = []
        for key in ["env", "tenant", "tenant_id"] {
            guard let v = o[key]?.stringValue else { errors.append("\(path).\(key): required string"); continue }
            if !NameSanitizer.isValidIdentifier(v) { errors.append("\(path).\(key): '\(v)' is not an identifier") }
        }
        if let a = o["tenant"]?.stringValue, let b = o["tenant_id"]?.stringValue, a != b {
            errors.append("\(path): tenant '\(a)' and tenant_id '\(b)' must be equal")
        }
        for (legacy, modern) in [("team", "team_id"), ("user", "user_id")] {
            let a = o[legacy]?.stringValue, b = o[modern]?.stringValue
            if (a == nil) != (b == nil) || a != b { errors.append("\(path): \(legacy) and \(modern) must both be present and equal, or both absent") }
            if let b, !NameSanitizer.isValidIdentifier(b) { errors.append("\(path).\(modern): '\(b)' is not an identifier") }
        }
        if let attempt = o["attempt"] {
            if !(attempt.doubleValue.map { $0 >= 0 && $0 == $0.rounded() } ?? false) { errors.append("\(path).attempt: must be an integer ≥ 0") }
        } else {
            errors.append("\(path).attempt: required")
        }
        return errors
    }

    public static func channelMessage(_ m: JSONValue) -> [String] {
        guard case .object(let o) = m else { return ["message: must be an object"] }
        var errors: [String] = []
        for key in ["id", "channel", "session_id"] where (o[key]?.stringValue ?? "").isEmpty { errors.append("\(key): required non-empty string") }
        if let t = o["tenant"] { errors += tenantContext(t) } else { errors.append("tenant: required") }
        if let meta = o["metadata"], !(meta.objectValue?.values.allSatisfy { $0.stringValue != nil } ?? false) {
            errors.append("metadata: must map strings to strings")
        }
        return errors
    }

    public static func event(_ e: JSONValue) -> [String] {
        guard case .object(let o) = e else { return ["event: must be an object"] }
        var errors: [String] = []
        for key in ["id", "topic", "type", "source", "time"] where (o[key]?.stringValue ?? "").isEmpty { errors.append("\(key): required non-empty string") }
        if let id = o["id"]?.stringValue, !NameSanitizer.isValidIdentifier(id) { errors.append("id: '\(id)' is not an identifier") }
        if let time = o["time"]?.stringValue, ISO8601DateFormatter().date(from: time) == nil { errors.append("time: '\(time)' is not RFC 3339") }
        if o["payload"] == nil { errors.append("payload: required") }
        if let t = o["tenant"] { errors += tenantContext(t) } else { errors.append("tenant: required") }
        return errors
    }
}
