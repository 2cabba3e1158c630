import Foundation
import GreenticTestKit
import XCTest

/// Skip or strict failure for XCTest.
public enum XCTestPrerequisites {
    /// Throws `XCTSkip` with the reason, at `file:line`; under `CI` / `E2E_STRICT=1` the error
    /// XCTest reports as the test's one failure (naming `file:line`, since XCTest on Linux
    /// places a thrown error nowhere).
    public static func skipOrFail(_ missing: [String],
                                  environment: [String: String] = ProcessInfo.processInfo.environment,
                                  repro: String? = nil,
                                  file: StaticString = #filePath, line: UInt = #line) throws -> Never {
        if StrictMode.isStrict(environment) {
            let site = "\(("\(file)" as NSString).lastPathComponent):\(line)"
            throw XCTestEnvFailure(underlying: TestEnvError.prerequisiteRequired(missing), site: site, repro: repro)
        }
        // Inside `withTestEnv`, which turns this into the skip once the environment is torn down.
        if TestEnv.current != nil { throw TestEnvError.prerequisiteMissing(missing) }
        throw XCTSkip("missing prerequisite: \(missing.joined(separator: "; "))", file: file, line: line)
    }
}
