import Foundation

/// What the timeline keeps of a body or payload: at most `bodyLimit` bytes
/// (`E2E_TIMELINE_BODY_LIMIT`, default 8 KiB), with secrets replaced by `<redacted>` — JSON
/// members and headers with secret-looking names (token, secret, password, authorization,
/// cookie, api key, credential, private key) and any value the test registered as a secret.
public struct EvidencePolicy: Sendable {
    public static let defaultBodyLimit = 8 * 1024
    static let redacted = "<redacted>"
    static let secretNameMarkers = ["token", "secret", "password", "passwd", "authorization", "cookie",
                                    "apikey", "api_key", "api-key", "credential", "private_key", "privatekey"]

    public var bodyLimit: Int
    /// Exact values to hide wherever they appear (a tenant's secrets, a bearer token).
    public var secretValues: @Sendable () -> Set<String>

    public init(bodyLimit: Int = EvidencePolicy.defaultBodyLimit, secretValues: @escaping @Sendable () -> Set<String> = { [] }) {
        self.bodyLimit = max(0, bodyLimit)
        self.secretValues = secretValues
    }

    /// The policy of an environment: the limit from `E2E_TIMELINE_BODY_LIMIT`.
    public static func from(environment: [String: String], secretValues: @escaping @Sendable () -> Set<String> = { [] }) -> EvidencePolicy {
        let limit = environment["E2E_TIMELINE_BODY_LIMIT"].flatMap { Int($0) } ?? defaultBodyLimit
        return EvidencePolicy(bodyLimit: limit, secretValues: secretValues)
    }

    static let markerBytes: [[UInt8]] = secretNameMarkers.map { Array($0.utf8) }

    /// True when the name contains a secret marker, ASCII case-insensitively. (A byte scan: this
    /// runs for every member of every recorded body, and Foundation's `contains` made it the
    /// most expensive part of recording a message.)
    public static func isSecretName(_ name: String) -> Bool {
        var lower: [UInt8] = []
        lower.reserveCapacity(name.utf8.count)
        for byte in name.utf8 { lower.append(byte >= 0x41 && byte <= 0x5A ? byte | 0x20 : byte) }
        return markerBytes.contains { firstOccurrence($0, in: lower) != nil }
    }

    /// Where `needle` first occurs in `haystack` at or after `start` (bytes).
    static func firstOccurrence(_ needle: [UInt8], in haystack: [UInt8], from start: Int = 0) -> Int? {
        guard !needle.isEmpty, haystack.count - start >= needle.count else { return nil }
        let first = needle[0]
        var i = start
        let last = haystack.count - needle.count
        while i <= last {
            if haystack[i] == first {
                var j = 1
                while j < needle.count, haystack[i + j] == needle[j] { j += 1 }
                if j == needle.count { return i }
            }
            i += 1
        }
        return nil
    }

    /// A body for the timeline: its JSON (redacted) when it parses and fits, else its text,
    /// cut at the limit, with `truncated` and `bytes` saying so.
    public func body(_ data: Data) -> JSONValue {
        let secrets = secretValues()
        if data.count <= bodyLimit, let json = try? JSONValue.parse(data), json.objectValue != nil || json.arrayValue != nil {
            return redact(json, secrets: secrets)
        }
        let cut = data.count > bodyLimit
        var text = String(decoding: data.prefix(bodyLimit), as: UTF8.self)
        text = Self.hide(secrets, in: text)
        if !cut { return .string(text) }
        return ["text": .string(text), "truncated": true, "bytes": .number(Double(data.count))]
    }

    /// Headers for the timeline, secret-looking ones redacted.
    public func headers(_ pairs: [(String, String)]) -> JSONValue {
        let secrets = secretValues()
        var out: [String: JSONValue] = [:]
        for (name, value) in pairs where out[name] == nil {
            out[name] = .string(Self.isSecretName(name) ? Self.redacted : Self.hide(secrets, in: value))
        }
        return .object(out)
    }

    /// A JSON value with secret-named members and registered secret values redacted.
    public func redact(_ value: JSONValue) -> JSONValue {
        redact(value, secrets: secretValues())
    }

    private func redact(_ value: JSONValue, secrets: Set<String>) -> JSONValue {
        switch value {
        case .object(let members):
            var out: [String: JSONValue] = [:]
            for (k, v) in members {
                out[k] = Self.isSecretName(k) && v.stringValue != nil ? .string(Self.redacted) : redact(v, secrets: secrets)
            }
            return .object(out)
        case .array(let items):
            return .array(items.map { redact($0, secrets: secrets) })
        case .string(let s):
            return .string(Self.hide(secrets, in: s))
        default:
            return value
        }
    }

    static func hide(_ secrets: Set<String>, in text: String) -> String {
        guard !secrets.isEmpty else { return text }
        var bytes = Array(text.utf8)
        var changed = false
        for secret in secrets where secret.utf8.count >= 4 {
            let needle = Array(secret.utf8)
            guard var at = firstOccurrence(needle, in: bytes) else { continue }
            var out: [UInt8] = []
            var copied = 0
            while true {
                out += bytes[copied..<at]
                out += redacted.utf8
                copied = at + needle.count
                guard let next = firstOccurrence(needle, in: bytes, from: copied) else { break }
                at = next
            }
            out += bytes[copied...]
            bytes = out
            changed = true
        }
        return changed ? String(decoding: bytes, as: UTF8.self) : text
    }
}
