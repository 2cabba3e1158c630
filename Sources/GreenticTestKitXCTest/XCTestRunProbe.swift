import Foundation
import GreenticTestKit
import XCTest

/// Reads the failure count of the running test; XCTest runs a test's body and its reporting on
/// one thread, so reading it when the body returns is safe.
final class XCTestRunProbe: @unchecked Sendable {
    let run: XCTestRun?
    let failuresAtStart: Int

    init(_ run: XCTestRun?) {
        self.run = run
        self.failuresAtStart = run?.totalFailureCount ?? 0
    }

    var failedSinceStart: Bool { (run?.totalFailureCount ?? 0) > failuresAtStart }
}
