import GreenticTestKit

/// What the runner simulator runs: the flows its packs declare, the pack declaring each flow (by
/// flow id; its folder is where the deploy renderer reads the plan) and every component id the
/// packs declare (for the bindings check). Replaced as a whole by `reloadFlows()`.
struct LoadedFlows: Sendable {
    var flows: [FlowDocument]
    var packs: [String: PackCatalog.Pack]
    var componentIDs: Set<String>
}
