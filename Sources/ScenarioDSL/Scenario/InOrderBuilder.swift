import Foundation
import GreenticTestKit

/// Collects `Expect`s for `InOrder`.
@resultBuilder
public enum InOrderBuilder {
    public static func buildBlock(_ parts: Expect...) -> [Expect] { parts }
}
