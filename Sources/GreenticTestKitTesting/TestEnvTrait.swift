import Foundation
import GreenticTestKit
import Synchronization
import Testing

/// A Swift Testing trait that runs each test inside a fresh `TestEnv` (reachable as
/// `TestEnv.current`). A failure recorded with `#expect` keeps the artifacts just like a thrown
/// error; the timeline and service log tails are attached to the failing test. A missing
/// prerequisite skips the test, or fails it under `CI` / `E2E_STRICT=1`.
///
/// ```swift
/// @Test(.testEnv(infra: [.nats]))
/// func roundTrip() async throws {
///     let env = try TestEnv.required()
/// }
/// ```
public struct TestEnvTrait: TestTrait, SuiteTrait, TestScoping {
    public var infra: Set<InfraKind>
    public var name: String?
    /// The backend whatever `E2E_INFRA` says: `.native` for a test about servers of its own
    /// (killing one, reading its log); nil follows `E2E_INFRA`.
    public var backend: InfraSelection?
    public var isRecursive: Bool { true }

    public init(infra: Set<InfraKind>, name: String?, backend: InfraSelection? = nil) {
        self.infra = infra
        self.name = name
        self.backend = backend
    }

    public func provideScope(for test: Test, testCase: Test.Case?,
                             performing function: @Sendable () async throws -> Void) async throws {
        if test.isSuite {
            try await function()
            return
        }
        let failed = Mutex(false)
        let options = {
            var options = TestEnvOptions()
            if let backend { options.infraSelection = backend }
            options.failureObserved = { failed.withLock { $0 } }
            options.leaksObserved = { leaks in
                for leak in leaks {
                    Issue.record(Comment(rawValue: "leaked \(leak) (a failure under CI / E2E_STRICT=1)"),
                                 severity: .warning, sourceLocation: test.sourceLocation)
                }
            }
            return options
        }()
        // Every failure ends with the line that reruns this test alone.
        let repro = ReproLine.line(testID: String(describing: test.id), environment: options.reproEnvironment)
        let handler: IssueHandlingTrait = .compactMapIssues { issue in
            guard issue.isFailure else { return issue }
            failed.withLock { $0 = true }
            var issue = issue
            issue.comments.append(Comment(rawValue: repro))
            return issue
        }
        let testName = name ?? TestNaming.name(of: test)
        let kept = Mutex<TestEnv?>(nil)
        try await handler.provideScope(for: test, testCase: testCase) {
            do {
                try await TestEnv.with(name: testName, infra: infra, options: options) { env in
                    kept.withLock { $0 = env }
                    try await function()
                }
                if failed.withLock({ $0 }), let env = kept.withLock({ $0 }) {
                    FailureEvidence.attach(env)
                }
            } catch let error as TestEnvError {
                if case .prerequisiteMissing(let what) = error {
                    if StrictMode.isStrict(ProcessInfo.processInfo.environment) {
                        // Recorded once, at the test, inside the handler that adds the repro line.
                        Issue.record(TestEnvError.prerequisiteRequired(what), sourceLocation: test.sourceLocation)
                        return
                    }
                    try Prerequisites.skipOrFail(what)
                }
                if let env = kept.withLock({ $0 }) { FailureEvidence.attach(env) }
                throw error
            }
        }
    }
}

extension Trait where Self == TestEnvTrait {
    /// Runs the test (or each test of a suite) in a fresh `TestEnv` with this infrastructure;
    /// `backend` pins the backend for a test that needs servers of its own.
    public static func testEnv(infra: Set<InfraKind> = [], name: String? = nil, backend: InfraSelection? = nil) -> Self {
        TestEnvTrait(infra: infra, name: name, backend: backend)
    }
}

extension TestEnv {
    /// `TestEnv.current`, or an error saying the test lacks the `.testEnv` trait.
    public static func required() throws -> TestEnv {
        guard let env = TestEnv.current else {
            throw TestEnvError.invalidConfiguration("no TestEnv: add the .testEnv(...) trait to the test or wrap it in TestEnv.with")
        }
        return env
    }
}
