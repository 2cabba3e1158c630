import GreenticTestKit
import Foundation
import Testing

/// Honest outcomes for tests whose prerequisites are missing: a skip with the reason (shown
/// by the test runner as skipped, never as passed), or a failure under `CI` / `E2E_STRICT=1`.
public enum Prerequisites {
    /// Skips (or fails, in strict mode) with the missing things named.
    public static func skipOrFail(_ missing: [String], sourceLocation: SourceLocation = #_sourceLocation) throws -> Never {
        let reason = "missing prerequisite: \(missing.joined(separator: "; "))"
        if StrictMode.isStrict(ProcessInfo.processInfo.environment) {
            Issue.record("\(reason) (required under CI / E2E_STRICT=1)", sourceLocation: sourceLocation)
            throw TestEnvError.prerequisiteMissing(missing)
        }
        try Test.cancel("skipped: \(reason)", sourceLocation: sourceLocation)
    }

    /// Skips or fails unless each named executable is found on PATH (or the extra folders).
    public static func requireExecutables(_ names: [String], extraPaths: [String] = [],
                                          sourceLocation: SourceLocation = #_sourceLocation) throws {
        let missing = names.filter { ExecutableLocator.find($0, extraPaths: extraPaths) == nil }
        if !missing.isEmpty { try skipOrFail(missing, sourceLocation: sourceLocation) }
    }

    /// Skips or fails unless `condition` holds.
    public static func require(_ condition: Bool, _ what: String, sourceLocation: SourceLocation = #_sourceLocation) throws {
        if !condition { try skipOrFail([what], sourceLocation: sourceLocation) }
    }
}
