/// Removes volatile values from JSON before comparing it with a golden.
///
/// Default rules are the original harness's: drop keys named `timestamp`, `timestamp_ms`,
/// `created_at`, `updated_at`, `trace_id`, `span_id`, `request_id`, `correlation_id`, `uuid`
/// (case-insensitive) and keys ending in `_id` that contain `trace` or `span`; replace UUID-shaped
/// strings with `<redacted-uuid>`. Extra keys to drop, and extra keys whose values are replaced
/// by a placeholder, can be configured.
public struct JSONNormalizer: Sendable {
    public static let defaultDroppedKeys: Set<String> = [
        "timestamp", "timestamp_ms", "created_at", "updated_at", "trace_id", "span_id",
        "request_id", "correlation_id", "uuid",
    ]
    public static let uuidPlaceholder = "<redacted-uuid>"

    /// Lower-cased key names removed wherever they appear.
    public var droppedKeys: Set<String>
    /// Lower-cased key names kept but whose value becomes `"<redacted:KEY>"`.
    public var redactedKeys: Set<String>

    public init(extraDroppedKeys: Set<String> = [], redactedKeys: Set<String> = []) {
        self.droppedKeys = Self.defaultDroppedKeys.union(extraDroppedKeys.map { $0.lowercased() })
        self.redactedKeys = Set(redactedKeys.map { $0.lowercased() })
    }

    public func normalize(_ value: JSONValue) -> JSONValue {
        switch value {
        case .object(let members):
            var out: [String: JSONValue] = [:]
            for (key, member) in members {
                let lower = key.lowercased()
                if shouldDrop(lower) { continue }
                if redactedKeys.contains(lower) {
                    out[key] = .string("<redacted:\(key)>")
                } else {
                    out[key] = normalize(member)
                }
            }
            return .object(out)
        case .array(let items):
            return .array(items.map(normalize))
        case .string(let s):
            return Self.isUUIDShaped(s) ? .string(Self.uuidPlaceholder) : value
        default:
            return value
        }
    }

    func shouldDrop(_ lowerKey: String) -> Bool {
        if droppedKeys.contains(lowerKey) { return true }
        return lowerKey.hasSuffix("_id") && (lowerKey.contains("trace") || lowerKey.contains("span"))
    }

    /// 36 characters, each an ASCII hex digit or a `-` at index 8, 13, 18 or 23.
    public static func isUUIDShaped(_ s: String) -> Bool {
        let bytes = Array(s.utf8)
        guard bytes.count == 36 else { return false }
        for (i, b) in bytes.enumerated() {
            let isHex = (b >= 48 && b <= 57) || (b >= 65 && b <= 70) || (b >= 97 && b <= 102)
            if isHex { continue }
            if b == 45, [8, 13, 18, 23].contains(i) { continue }
            return false
        }
        return true
    }
}
