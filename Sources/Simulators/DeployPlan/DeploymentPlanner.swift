import Foundation
import GreenticTestKit

/// Infers a base deployment plan (greentic-contracts §6 shape, field order of the original)
/// from a pack's manifest: one runner, one messaging subject and one channel per scenario.
package enum DeploymentPlanner {
    /// The plan of the pack in `packDirectory` (its `pack.json`); runners are named after `runnerName`
    /// (the pack's index id).
    public static func plan(packDirectory: String, runnerName: String? = nil, tenant: String, environment: String) throws -> OrderedJSON {
        let manifestPath = packDirectory + "/pack.json"
        guard let data = FileManager.default.contents(atPath: manifestPath) else { throw PlanError.unreadable(manifestPath) }
        let manifest: JSONValue
        do { manifest = try JSONValue.parse(data) } catch { throw PlanError.invalidManifest(manifestPath, "invalid JSON") }
        guard let id = manifest["id"]?.stringValue else { throw PlanError.invalidManifest(manifestPath, "missing string \"id\"") }
        guard let version = manifest["version"]?.stringValue else {
            throw PlanError.invalidManifest(manifestPath, "missing string \"version\"")
        }
        guard PackValidator.isSemVer(version) else { throw PlanError.invalidSemVer(manifestPath, version) }
        let kind = manifest["kind"]?.stringValue
        let type = manifest["type"]?.stringValue
        var scenarioIDs: [String] = []
        for (i, scenario) in (manifest["scenarios"]?.arrayValue ?? []).enumerated() {
            guard let sid = scenario["id"]?.stringValue else {
                throw PlanError.invalidManifest(manifestPath, "scenario #\(i) has no string \"id\"")
            }
            scenarioIDs.append(sid)
        }
        let purpose = type ?? "scenario"
        var members: [(String, OrderedJSON)] = [
            ("pack_id", .string(id)), ("pack_version", .string(version)), ("tenant", .string(tenant)),
            ("environment", .string(environment)),
            ("runners", .array([.object([("name", .string("\(runnerName ?? id)-runner")), ("replicas", .int(1)), ("capabilities", .null)])])),
        ]
        if !scenarioIDs.isEmpty {
            members.append(("messaging", .object([
                ("logical_cluster", .string("default")),
                ("subjects", .array(scenarioIDs.map {
                    .object([("name", .string($0)), ("purpose", .string(purpose)), ("durable", .bool(true)), ("extra", .null)])
                })),
                ("extra", .null),
            ])))
        }
        members += [
            ("channels", .array(scenarioIDs.map {
                .object([("name", .string($0)), ("flow_id", .string($0)), ("kind", .string(purpose)), ("config", .null)])
            })),
            ("secrets", .array([])), ("oauth", .array([])),
            ("telemetry", .object([("required", .bool(["application", "deployment"].contains(kind?.lowercased() ?? ""))), ("extra", .null)])),
            ("extra", .value(["pack_kind": kind.map { .string($0) } ?? .null, "pack_name": manifest["name"]?.stringValue.map { .string($0) } ?? .null])),
        ]
        return .object(members)
    }
}
