import Foundation

/// Checks that required secrets are present (non-blank after trimming) in a secrets map.
package struct SecretRequirements: Sendable, Equatable {
    public var required: [String]

    public init(_ required: [String]) {
        self.required = required
    }

    /// The outcome of a check: which required keys were provided and which are missing.
    public struct Check: Sendable, Equatable, Codable {
        public var required: [String]
        public var provided: [String]
        public var missing: [String]
    }

    public func check(_ secrets: [String: String]) -> Check {
        let provided = required.filter { !(secrets[$0]?.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty ?? true) }
        let missing = required.filter { !provided.contains($0) }
        return Check(required: required, provided: provided, missing: missing)
    }

    /// Throws `SecretError.missing` naming every missing key.
    @discardableResult
    public func require(_ secrets: [String: String]) throws -> Check {
        let result = check(secrets)
        if !result.missing.isEmpty { throw SecretError.missing(result.missing) }
        return result
    }
}
