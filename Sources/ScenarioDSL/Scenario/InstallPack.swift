import Foundation
import GreenticTestKit

/// Copies a pack folder into the running fixture server's packs root and reloads it.
public struct InstallPack: ScenarioStepConvertible {
    public let step: ScenarioStep
    public init(source: String, packsRoot: String? = nil) {
        step = .installPack(source: source, packsRoot: packsRoot)
    }
}
