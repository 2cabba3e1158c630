import GreenticTestKit

/// Validation of option values shared by the commands: identifiers (`--tenant`, `--team`,
/// `--user`, `--pack-id`) and flow names, each refused with a one-line error naming the option.
enum CLIInput {
    /// Trimmed; blank = not given; otherwise `[A-Za-z0-9._-]+`, at most 128 characters, not `.`/`..`.
    static func identifier(_ value: String?, option: String) throws -> String? {
        guard let t = value?.trimmingCharacters(in: .whitespaces), !t.isEmpty else { return nil }
        guard t.count <= 128, NameSanitizer.isValidIdentifier(t) else {
            throw CLIError(message: "--\(option) '\(t.prefix(64).replacingOccurrences(of: "\n", with: "\\n"))' must match [A-Za-z0-9._-]+ (at most 128 characters)")
        }
        return t
    }

    /// A flow name: 1 to 200 characters without line breaks.
    static func flow(_ value: String) throws -> String {
        guard !value.isEmpty, value.count <= 200, !value.contains(where: \.isNewline) else {
            throw CLIError(message: "--flow must be 1 to 200 characters without line breaks")
        }
        return value
    }
}
