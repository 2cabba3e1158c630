import Foundation
import GreenticTestKit

/// Builds `[ScenarioStep]` from DSL statements, with `if`, `if/else` and `for`.
@resultBuilder
public enum ScenarioBuilder {
    public static func buildExpression(_ e: some ScenarioStepConvertible) -> [ScenarioStep] { [e.step] }
    public static func buildExpression(_ steps: [ScenarioStep]) -> [ScenarioStep] { steps }
    public static func buildBlock(_ parts: [ScenarioStep]...) -> [ScenarioStep] { parts.flatMap { $0 } }
    public static func buildOptional(_ part: [ScenarioStep]?) -> [ScenarioStep] { part ?? [] }
    public static func buildEither(first: [ScenarioStep]) -> [ScenarioStep] { first }
    public static func buildEither(second: [ScenarioStep]) -> [ScenarioStep] { second }
    public static func buildArray(_ parts: [[ScenarioStep]]) -> [ScenarioStep] { parts.flatMap { $0 } }
}
