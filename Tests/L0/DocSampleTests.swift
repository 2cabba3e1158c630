import Foundation
import GreenticTestKit
import TestSupport
import Testing

/// The README's and docs' Swift samples are the ones `Examples/Downstream` compiles: the
/// generated file must be what the documents hold today, and a manifest fragment must be lines
/// of the downstream package's real `Package.swift`.
@Suite("Documentation samples")
struct DocSampleTests {
    @Test func theDownstreamPackageCompilesTheDocumentsSamples() throws {
        let root = Paths.packageRoot
        let expected = try DocSamples.source(root: root)
        let url = root.appendingPathComponent(DocSamples.generatedPath)
        let current = try? String(contentsOf: url, encoding: .utf8)
        let mode = try GoldenRecordMode.fromEnvironment(ProcessInfo.processInfo.environment)
        if current != expected, mode == .all || mode == .failed || (mode == .missing && current == nil) {
            try Data(expected.utf8).write(to: url, options: .atomic)
        }
        #expect(current == expected, "\(DocSamples.generatedPath) is not what the documents' samples give: run GOLDEN_RECORD=all swift test --filter DocSampleTests")
    }

    @Test func manifestFragmentsAreTheDownstreamManifest() throws {
        #expect(try DocSamples.manifestProblems(root: Paths.packageRoot) == [])
    }

    @Test func blocksAreFoundDedentedWithTheirParameters() {
        let text = """
            Intro.

            1. A step:

               <!-- sample: env: TestEnv -->
               ```swift
               let x = 1
                   .description
               ```

            ```swift
            // Package.swift
            .product(name: "A", package: "B"),
            ```
            """
        let blocks = DocSamples.blocks(in: text, document: "d.md")
        #expect(blocks == [
            DocSamples.Block(document: "d.md", line: 6, code: "let x = 1\n    .description", parameters: "env: TestEnv"),
            DocSamples.Block(document: "d.md", line: 11, code: "// Package.swift\n.product(name: \"A\", package: \"B\"),", parameters: ""),
        ])
        #expect(!DocSamples.isManifest(blocks[0]) && DocSamples.isManifest(blocks[1]))
    }
}
