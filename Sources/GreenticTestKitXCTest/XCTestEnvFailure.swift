import Foundation
import GreenticTestKit
import XCTest

/// A test's failure, with where it happened when known and the line that reruns it alone.
public struct XCTestEnvFailure: Error, CustomStringConvertible {
    public let underlying: any Error
    public var site: String? = nil
    public let repro: String?
    public var description: String {
        "\(underlying)" + (site.map { " (at \($0))" } ?? "") + (repro.map { "\n\($0)" } ?? "")
    }
}
