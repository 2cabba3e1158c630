import Foundation
import GreenticTestKit
import XCTest

extension XCTestCase {
    /// Runs `body` in a fresh `TestEnv` named after this test, with the outcomes a Swift Testing
    /// user gets from the `.testEnv` trait: a missing prerequisite skips the test with the reason
    /// (`XCTSkip`), or fails it once under `CI` / `E2E_STRICT=1`; a failure (thrown, or an
    /// `XCTAssert` that failed inside `body`) keeps the artifacts and ends with a repro line.
    ///
    /// ```swift
    /// func testRoundTrip() async throws {
    ///     try await withTestEnv(infra: [.nats]) { env in … }
    /// }
    /// ```
    public func withTestEnv<T: Sendable>(
        infra: Set<InfraKind> = [],
        name: String? = nil,
        options: TestEnvOptions = TestEnvOptions(),
        file: StaticString = #filePath,
        line: UInt = #line,
        _ body: @Sendable (TestEnv) async throws -> T
    ) async throws -> T {
        let run = XCTestRunProbe(testRun)
        var options = options
        options.failureObserved = { run.failedSinceStart }
        let repro = ReproLine.line(testID: xcTestID, environment: options.reproEnvironment)
        do {
            let value = try await TestEnv.with(name: name ?? XCTestNaming.folderName(xcTestID), infra: infra, options: options, body)
            if run.failedSinceStart { FileHandle.standardError.write(Data("\(repro)\n".utf8)) }
            return value
        } catch TestEnvError.prerequisiteMissing(let what) {
            try XCTestPrerequisites.skipOrFail(what, environment: options.environment, repro: repro, file: file, line: line)
        } catch let error as XCTestEnvFailure {
            throw error
        } catch {
            throw XCTestEnvFailure(underlying: error, repro: repro)
        }
    }

    /// Skips the test (or fails it under `CI` / `E2E_STRICT=1`) unless each executable is on
    /// PATH (or in the folders the kit searches for infrastructure binaries).
    public func requireExecutables(_ names: [String], file: StaticString = #filePath, line: UInt = #line) throws {
        let missing = names.filter { ExecutableLocator.find($0, extraPaths: NativeBinaries.searchPaths(for: $0)) == nil }
        if !missing.isEmpty {
            try XCTestPrerequisites.skipOrFail(missing, repro: ReproLine.line(testID: xcTestID), file: file, line: line)
        }
    }

    /// `Module.Class/testMethod`, the id `swift test --filter` matches.
    var xcTestID: String {
        let type = String(reflecting: Swift.type(of: self))
        let method = name.split(whereSeparator: { " .[]-".contains($0) }).last.map(String.init) ?? name
        return "\(type)/\(method)"
    }
}
