import Foundation

/// Per-tenant helpers of a `TestEnv`: an artifacts folder and a secrets file per tenant, both
/// with sanitised names (a tenant id can never escape its folder), and a subject prefix.
extension TestEnv {
    /// `artifacts/tenants/<sanitised tenant>/`, created on demand.
    public func tenantArtifactsDirectory(_ tenant: String) throws -> URL {
        let dir = directory.artifacts.appendingPathComponent("tenants")
            .appendingPathComponent(NameSanitizer.pathComponent(tenant, fallback: "tenant"))
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        return dir
    }

    /// Writes `key = value` into the tenant's `secrets.json` (mode 0600) in the private secrets
    /// folder, outside the artifacts, and returns its path. The value is redacted from `env.json`.
    @discardableResult
    public func writeTenantSecret(tenant: String, key: String, value: String) throws -> URL {
        let dir = secretsDirectory.appendingPathComponent(NameSanitizer.pathComponent(tenant, fallback: "tenant"))
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        let file = dir.appendingPathComponent("secrets.json")
        var secrets: [String: JSONValue] = [:]
        if let data = FileManager.default.contents(atPath: file.path) {
            guard case .object(let existing) = try JSONValue.parse(data) else {
                throw TestEnvError.invalidConfiguration("\(file.path) is not a JSON object")
            }
            secrets = existing
        }
        secrets[key] = .string(value)
        rememberSecret(value)
        try Data(JSONWriter.pretty(.object(secrets)).utf8).write(to: file, options: .atomic)
        try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: file.path)
        return file
    }

    /// Reads a tenant's secrets (empty when none were written).
    public func tenantSecrets(_ tenant: String) throws -> [String: String] {
        let file = secretsDirectory.appendingPathComponent(NameSanitizer.pathComponent(tenant, fallback: "tenant"))
            .appendingPathComponent("secrets.json")
        guard let data = FileManager.default.contents(atPath: file.path) else { return [:] }
        return (try JSONValue.parse(data).objectValue ?? [:]).compactMapValues(\.stringValue)
    }

    /// The subject prefix for one tenant inside this test (`<subjectPrefix>.<tenant>`).
    public func subjectPrefix(tenant: String) -> String {
        "\(subjectPrefix).\(NameSanitizer.sanitize(tenant, fallback: "tenant"))"
    }
}
