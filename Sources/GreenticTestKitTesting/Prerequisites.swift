import GreenticTestKit
import Foundation
import Testing

/// Honest outcomes for tests whose prerequisites are missing: a skip with the reason (shown
/// by the test runner as skipped, never as passed), or a failure under `CI` / `E2E_STRICT=1`.
public enum Prerequisites {
    /// Skips (or fails, in strict mode) with the missing things named.
    public static func skipOrFail(_ missing: [String], sourceLocation: SourceLocation = #_sourceLocation) throws -> Never {
        let reason = "missing prerequisite: \(missing.joined(separator: "; "))"
        // Thrown, not also recorded: Swift Testing reports it once, at the test.
        if StrictMode.isStrict(ProcessInfo.processInfo.environment) { throw TestEnvError.prerequisiteRequired(missing) }
        // Inside an environment, its scope (the trait) turns this into the skip, once torn down.
        if TestEnv.current != nil { throw TestEnvError.prerequisiteMissing(missing) }
        let id = Test.current.map { String(describing: $0.id).split(separator: "/").filter { !$0.contains(".swift:") }.joined(separator: "/") }
        try Test.cancel("skipped (\(id ?? "?")): \(reason)", sourceLocation: sourceLocation)
    }

    /// Skips or fails unless `condition` holds.
    public static func require(_ condition: Bool, _ what: String, sourceLocation: SourceLocation = #_sourceLocation) throws {
        if !condition { try skipOrFail([what], sourceLocation: sourceLocation) }
    }
}

extension Trait where Self == ConditionTrait {
    /// Skips the test (reported as skipped, with the reason) unless the executables are found;
    /// under `CI` / `E2E_STRICT=1` the test runs anyway and fails on what is missing.
    public static func requires(executables names: [String]) -> Self {
        let missing = names.filter { ExecutableLocator.find($0, extraPaths: NativeBinaries.searchPaths(for: $0)) == nil }
        let strict = StrictMode.isStrict(ProcessInfo.processInfo.environment)
        return .enabled(if: missing.isEmpty || strict, "missing prerequisite: \(missing.joined(separator: ", "))")
    }

    /// Skips the test unless the native binaries of this infrastructure are installed, or an
    /// external or compose backend is selected; under `CI` / `E2E_STRICT=1` it runs and fails.
    public static func requires(infra kinds: Set<InfraKind>) -> Self {
        let env = ProcessInfo.processInfo.environment
        let selection = (try? InfraSelection.fromEnvironment(env)) ?? .auto
        let missing = NativeBinaries.missing(for: kinds.sorted())
        let external = kinds.allSatisfy { !(env[$0.externalURLVariable] ?? "").isEmpty }
        let available = missing.isEmpty || selection == .compose || selection == .external || external
        return .enabled(if: available || StrictMode.isStrict(env),
                        "missing prerequisite: \(missing.map { "\($0.name) (\($0.installHint))" }.joined(separator: "; "))")
    }
}
