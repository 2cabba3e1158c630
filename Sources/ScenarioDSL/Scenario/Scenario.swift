import Foundation
import GreenticTestKit

/// A named list of steps, written with the `Scenario(name) { … }` builder or loaded from a
/// versioned YAML/JSON file (`ScenarioFile`).
public struct Scenario: Sendable, Equatable {
    public var name: String
    public var steps: [ScenarioStep]

    public init(name: String, steps: [ScenarioStep]) {
        self.name = name
        self.steps = steps
    }

    public init(_ name: String, @ScenarioBuilder _ build: () -> [ScenarioStep]) {
        self.init(name: name, steps: build())
    }
}
