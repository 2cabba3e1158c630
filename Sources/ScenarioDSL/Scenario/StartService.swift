import Foundation
import GreenticTestKit

/// Starts a service in the scenario's TestEnv.
public struct StartService: ScenarioStepConvertible {
    public let step: ScenarioStep
    public init(name: String, executable: String, arguments: [String] = [], environment: [String: String] = [:], readyLog: String? = nil) {
        step = .startService(StartServiceSpec(name: name, executable: executable, arguments: arguments, environment: environment, readyLog: readyLog))
    }
}
