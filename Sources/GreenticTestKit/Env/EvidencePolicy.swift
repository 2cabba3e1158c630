import Foundation

/// What the timeline keeps of a body or payload: at most `bodyLimit` bytes
/// (`E2E_TIMELINE_BODY_LIMIT`, default 8 KiB), with secrets replaced by `<redacted>` — JSON
/// members and headers with secret-looking names (token, secret, password, authorization,
/// cookie, api key, credential, private key) and any value the test registered as a secret.
public struct EvidencePolicy: Sendable {
    public static let defaultBodyLimit = 8 * 1024
    static let redacted = "<redacted>"
    static let redactedBytes = Array(redacted.utf8)
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

    /// True when the name contains a secret marker, ASCII case-insensitively.
    public static func isSecretName(_ name: String) -> Bool {
        var name = name
        return name.withUTF8 { isSecretName(utf8: UnsafeRawBufferPointer($0)) }
    }

    /// The same for a name's UTF-8 bytes, without copying them (this runs for every member of
    /// every recorded body).
    static func isSecretName(utf8 name: UnsafeRawBufferPointer) -> Bool {
        markerBytes.contains { marker in
            guard name.count >= marker.count else { return false }
            for start in 0...(name.count - marker.count) {
                var j = 0
                while j < marker.count {
                    let byte = name[start + j]
                    guard (byte >= 0x41 && byte <= 0x5A ? byte | 0x20 : byte) == marker[j] else { break }
                    j += 1
                }
                if j == marker.count { return true }
            }
            return false
        }
    }

    /// Where `needle` first occurs in `haystack` at or after `start` (bytes).
    static func firstOccurrence(_ needle: [UInt8], in haystack: UnsafeRawBufferPointer, from start: Int = 0) -> Int? {
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

    /// The registered secrets worth hiding (four bytes or more), as bytes.
    func secretNeedles() -> [[UInt8]] {
        secretValues().compactMap { $0.utf8.count >= 4 ? Array($0.utf8) : nil }
    }

    /// A body for the timeline: its JSON (redacted) when it parses and fits, else its text,
    /// cut at the limit, with `truncated` and `bytes` saying so. (What `writeBody` writes.)
    public func body(_ data: Data) -> JSONValue {
        var out: [UInt8] = []
        writeBody(data, into: &out)
        return (try? JSONValue.parse(Data(out))) ?? .null
    }

    /// Appends the timeline's form of a body to `out` as JSON: a JSON object or array that fits
    /// is copied compact, with member order and numbers as sent, secret-named string members
    /// and registered secret values redacted; anything else is its text (secrets hidden), cut at
    /// the limit with `{"bytes":…,"text":…,"truncated":true}` saying so.
    package func writeBody(_ data: Data, into out: inout [UInt8]) {
        let secrets = secretNeedles()
        if data.count <= bodyLimit,
           data.withUnsafeBytes({ RedactingJSONCopier.copy($0, secrets: secrets, into: &out) }) {
            return
        }
        let cut = data.count > bodyLimit
        // Decoding repairs what is not UTF-8 (and a character cut at the limit).
        var text = Array(String(decoding: data.prefix(bodyLimit), as: UTF8.self).utf8)
        if let hidden = text.withUnsafeBytes({ Self.hide(secrets, in: $0) }) { text = hidden }
        guard cut else {
            text.withUnsafeBytes { JSONWriter.writeString(utf8: $0, into: &out) }
            return
        }
        out.append(literal: #"{"bytes":"#)
        JSONWriter.writeNumber(Double(data.count), into: &out)
        out.append(literal: #","text":"#)
        text.withUnsafeBytes { JSONWriter.writeString(utf8: $0, into: &out) }
        out.append(literal: #","truncated":true}"#)
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

    static func hide(_ secrets: Set<String>, in text: String) -> String {
        let needles = secrets.compactMap { $0.utf8.count >= 4 ? Array($0.utf8) : nil }
        guard !needles.isEmpty else { return text }
        var text = text
        let hidden = text.withUTF8 { hide(needles, in: UnsafeRawBufferPointer($0)) }
        return hidden.map { String(decoding: $0, as: UTF8.self) } ?? text
    }

    static func hide(_ secrets: [[UInt8]], in bytes: [UInt8]) -> [UInt8]? {
        bytes.withUnsafeBytes { hide(secrets, in: $0) }
    }

    /// `bytes` with every occurrence of every secret replaced by `<redacted>`, in the order the
    /// secrets are given; nil when none occurs.
    static func hide(_ secrets: [[UInt8]], in bytes: UnsafeRawBufferPointer) -> [UInt8]? {
        var result: [UInt8]?
        for needle in secrets {
            let found: [UInt8]? = (result ?? []).withUnsafeBytes { current in
                let haystack = result == nil ? bytes : current
                guard var at = firstOccurrence(needle, in: haystack) else { return nil }
                var out: [UInt8] = []
                out.reserveCapacity(haystack.count)
                var copied = 0
                while true {
                    out.append(raw: haystack, copied..<at)
                    out.append(contentsOf: redactedBytes)
                    copied = at + needle.count
                    guard let next = firstOccurrence(needle, in: haystack, from: copied) else { break }
                    at = next
                }
                out.append(raw: haystack, copied..<haystack.count)
                return out
            }
            if let found { result = found }
        }
        return result
    }
}
