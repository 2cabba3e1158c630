import Foundation
import GreenticTestKit

/// The capability map of providers-sim (`providers.yaml`): a reference provider, the
/// simulator, every provider's capabilities, and documented downgrades. `violations()` applies
/// the parity rules: every reference capability is simulated or downgraded; every downgrade is a
/// reference capability the simulator does not have.
package struct CapabilityMap: Sendable, Equatable {
    public var referenceProvider: String
    public var simulatorProvider: String
    public var providers: [String: Set<String>]
    public var downgrades: [(capability: String, reason: String)]

    public static func == (a: CapabilityMap, b: CapabilityMap) -> Bool {
        a.referenceProvider == b.referenceProvider && a.simulatorProvider == b.simulatorProvider && a.providers == b.providers
            && a.downgrades.map(\.capability) == b.downgrades.map(\.capability)
    }

    public static func load(path: String) throws -> CapabilityMap {
        guard let data = FileManager.default.contents(atPath: path) else { throw CapabilityError.invalid("capabilities file missing: \(path)") }
        let doc = try ConfigLoader.parseYAML(String(decoding: data, as: UTF8.self), path: path)
        guard let reference = doc["reference_provider"]?.stringValue, let simulator = doc["simulator_provider"]?.stringValue else {
            throw CapabilityError.invalid("\(path): reference_provider and simulator_provider are required strings")
        }
        guard let providerMap = doc["providers"]?.objectValue else { throw CapabilityError.invalid("\(path): providers must be a mapping") }
        var providers: [String: Set<String>] = [:]
        for (name, entry) in providerMap {
            guard let caps = entry["capabilities"]?.arrayValue?.compactMap(\.stringValue) else {
                throw CapabilityError.invalid("\(path): provider \(name) needs a capabilities list")
            }
            providers[name] = Set(caps)
        }
        guard let downgradeList = doc["downgrades"]?.arrayValue else { throw CapabilityError.invalid("\(path): downgrades must be a list") }
        let downgrades = try downgradeList.map { d -> (capability: String, reason: String) in
            guard let c = d["capability"]?.stringValue, let r = d["reason"]?.stringValue else {
                throw CapabilityError.invalid("\(path): every downgrade needs capability and reason")
            }
            return (c, r)
        }
        return CapabilityMap(referenceProvider: reference, simulatorProvider: simulator, providers: providers, downgrades: downgrades)
    }

    /// Every rule broken, in the original's wording.
    public func violations() -> [String] {
        guard let reference = providers[referenceProvider] else { return ["reference provider missing"] }
        guard let simulator = providers[simulatorProvider] else { return ["simulator provider missing"] }
        let downgraded = Set(downgrades.map(\.capability))
        var out: [String] = []
        for c in reference.sorted() where !simulator.contains(c) && !downgraded.contains(c) {
            out.append("Simulator missing capability '\(c)' but downgrade rationale not documented")
        }
        for c in downgrades.map(\.capability) {
            if !reference.contains(c) { out.append("Downgrade '\(c)' not present in reference provider capabilities") }
            if simulator.contains(c) { out.append("Downgrade '\(c)' is documented but simulator already supports it") }
        }
        return out
    }
}
