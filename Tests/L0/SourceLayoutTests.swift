import Foundation
import TestSupport
import Testing

/// One primary type per source file, named after it (`docs/architecture.md`).
@Suite("Source layout")
struct SourceLayoutTests {
    @Test func everySourceFileHoldsOneTypeNamedAfterIt() throws {
        let (files, violations) = try SourceLayout.violations(root: Paths.packageRoot)
        #expect(files > 200, "the scan read \(files) files: it did not find Sources/")
        #expect(violations.isEmpty, "\(violations.map(\.description).joined(separator: "\n"))")
    }

    @Test func theRuleSeesWhatItForbidsAndAllowsWhatItShould() {
        let two = """
            /// A.
            public struct Timeline: Sendable {
                struct Nested {}
            }

            package enum TimelineError: Error { case closed }
            """
        #expect(SourceLayout.violation(fileName: "Timeline.swift", source: two) == .init(file: "Timeline.swift", types: ["Timeline", "TimelineError"]))
        #expect(SourceLayout.violation(fileName: "Clock.swift", source: "final class Timeline {\n}\n")?.types == ["Timeline"], "misnamed")
        let helpers = """
            @available(macOS 15, *)
            public final class Timeline {
            }

            private struct Entry {}
            fileprivate enum Mode { case a }
            extension Timeline: CustomStringConvertible {}
            """
        #expect(SourceLayout.violation(fileName: "Timeline.swift", source: helpers) == nil, "private helpers, nested types and extensions are free")
        #expect(SourceLayout.violation(fileName: "TestEnv+Stack.swift", source: "extension TestEnv {\n}\n") == nil)
        #expect(SourceLayout.topLevelTypes(in: "@MainActor public protocol Step {}\nindirect enum Tree {}\n") == ["Step", "Tree"])
    }
}
