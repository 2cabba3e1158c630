/// Turns free text (test names, tenant ids) into safe path and subject components.
///
/// The original's rule: every character outside `[A-Za-z0-9_-]` becomes `_`, then leading and
/// trailing `_` are trimmed. Empty results fall back to a caller-supplied name, so a sanitised
/// name is never empty and never contains `/`, `.` or `..`.
package enum NameSanitizer {
    public static func sanitize(_ raw: String, fallback: String = "unnamed") -> String {
        var out = ""
        for scalar in raw.unicodeScalars {
            if isAllowed(scalar) {
                out.unicodeScalars.append(scalar)
            } else {
                out += "_"
            }
        }
        let trimmed = out.drop(while: { $0 == "_" }).reversed().drop(while: { $0 == "_" }).reversed()
        let result = String(trimmed)
        return result.isEmpty ? fallback : result
    }

    /// Sanitises and caps the length (file systems limit a component to 255 bytes).
    public static func pathComponent(_ raw: String, fallback: String = "unnamed", maxLength: Int = 120) -> String {
        let s = sanitize(raw, fallback: fallback)
        return s.count > maxLength ? String(s.prefix(maxLength)) : s
    }

    /// Whether `value` is a valid platform identifier: `[A-Za-z0-9._-]+` (greentic-contracts §1.1).
    public static func isValidIdentifier(_ value: String) -> Bool {
        // "." and ".." are path segments, never names.
        !value.isEmpty && value.unicodeScalars.allSatisfy { isAllowed($0) || $0 == "." } && !value.allSatisfy { $0 == "." }
    }

    private static func isAllowed(_ s: Unicode.Scalar) -> Bool {
        switch s {
        case "a"..."z", "A"..."Z", "0"..."9", "_", "-": true
        default: false
        }
    }
}
