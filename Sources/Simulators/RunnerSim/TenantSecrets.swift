import Foundation
import GreenticTestKit

/// A tenant's secrets for the flows: `<directory>/<sanitised tenant>/secrets.json`, a JSON object
/// of strings, read on each use (a test may write it while the simulator runs).
struct TenantSecrets {
    let directory: URL

    /// One secret, or nil when the file, the member or a string value is missing.
    func secret(tenant: String, key: String) -> String? {
        let file = directory.appendingPathComponent(NameSanitizer.pathComponent(tenant, fallback: "tenant")).appendingPathComponent("secrets.json")
        guard let data = FileManager.default.contents(atPath: file.path) else { return nil }
        return (try? JSONValue.parse(data))?[key]?.stringValue
    }
}
