import Foundation

/// The Swift samples of the README and `docs/`, turned into one source file that
/// `Examples/Downstream` compiles (and whose `@Test`s it runs), so a sample that stops compiling
/// fails the build instead of a reader. Rules, per ```swift block:
/// - a block whose first line is `// Package.swift` is a manifest fragment: every line of it
///   must appear in `Examples/Downstream/Package.swift` (`manifestProblems`);
/// - a block with an `import`, `@Test`, `@Suite` or `extension` at its left margin is
///   file-level code, copied as is (its imports hoisted);
/// - any other block is statements, wrapped in a function; an HTML comment right before the
///   fence, `<!-- sample: env: TestEnv, port: Int -->`, gives that function its parameters.
/// A block of any language preceded by `<!-- file: helpdesk/pack.json -->` is a sample file
/// (`files`): the tests write them into a folder and check them with the CLI.
public enum DocSamples {
    public struct Block: Sendable, Equatable {
        public var document: String
        public var line: Int
        public var code: String
        public var parameters: String
        public var language = "swift"
        /// The relative path of a sample file (`<!-- file: … -->`).
        public var file: String?

        public init(document: String, line: Int, code: String, parameters: String, language: String = "swift", file: String? = nil) {
            self.document = document
            self.line = line
            self.code = code
            self.parameters = parameters
            self.language = language
            self.file = file
        }
    }

    public static let generatedPath = "Examples/Downstream/Tests/DownstreamTests/DocSamples.swift"
    public static let manifestPath = "Examples/Downstream/Package.swift"
    static let baseImports = ["Foundation", "GreenticTestKit", "GreenticTestKitTesting", "ScenarioDSL", "Testing"]
    /// What only file scope may hold; any other block (local types included) is a function body.
    static let declarationStarts = ["import ", "@Test", "@Suite", "extension "]

    /// README.md, then docs/*.md in name order.
    public static func documents(root: URL) throws -> [String] {
        let docs = try FileManager.default.contentsOfDirectory(atPath: root.appendingPathComponent("docs").path)
            .filter { $0.hasSuffix(".md") }.sorted().map { "docs/\($0)" }
        return ["README.md"] + docs
    }

    /// The ```swift blocks of one Markdown text, dedented.
    public static func blocks(in text: String, document: String) -> [Block] {
        allBlocks(in: text, document: document).filter { $0.language == "swift" }
    }

    /// Every fenced block with a language, dedented, with its annotation.
    static func allBlocks(in text: String, document: String) -> [Block] {
        let lines = text.components(separatedBy: "\n")
        var blocks: [Block] = []
        var index = 0
        while index < lines.count {
            let trimmed = lines[index].trimmingCharacters(in: .whitespaces)
            guard trimmed.hasPrefix("```"), trimmed.count > 3 else { index += 1; continue }
            let language = String(trimmed.dropFirst(3))
            let indent = lines[index].prefix { $0 == " " }.count
            func annotation(_ key: String) -> String? {
                guard index > 0 else { return nil }
                let previous = lines[index - 1].trimmingCharacters(in: .whitespaces)
                guard previous.hasPrefix("<!-- \(key):"), previous.hasSuffix("-->") else { return nil }
                return String(previous.dropFirst("<!-- \(key):".count).dropLast(3)).trimmingCharacters(in: .whitespaces)
            }
            let parameters = annotation("sample") ?? ""
            let file = annotation("file")
            var body: [String] = []
            var end = index + 1
            while end < lines.count, lines[end].trimmingCharacters(in: .whitespaces) != "```" {
                body.append(String(lines[end].dropFirst(min(indent, lines[end].prefix { $0 == " " }.count))))
                end += 1
            }
            blocks.append(Block(document: document, line: index + 1, code: body.joined(separator: "\n"), parameters: parameters,
                                language: language, file: file))
            index = end + 1
        }
        return blocks
    }

    /// The documents' sample files (`<!-- file: … -->` blocks), by relative path.
    public static func files(root: URL) throws -> [Block] {
        try documents(root: root).flatMap { document in
            allBlocks(in: try String(contentsOf: root.appendingPathComponent(document), encoding: .utf8), document: document)
                .filter { $0.file != nil }
        }
    }

    public static func isManifest(_ block: Block) -> Bool {
        block.code.split(separator: "\n").first?.trimmingCharacters(in: .whitespaces) == "// Package.swift"
    }

    public static func isFileLevel(_ block: Block) -> Bool {
        block.code.split(separator: "\n").contains { line in declarationStarts.contains { line.hasPrefix($0) } }
    }

    /// The generated source for these documents' blocks.
    public static func source(root: URL) throws -> String {
        var imports = Set(baseImports)
        var parts: [String] = []
        for document in try documents(root: root) {
            let text = try String(contentsOf: root.appendingPathComponent(document), encoding: .utf8)
            for (number, block) in blocks(in: text, document: document).enumerated() where !isManifest(block) && block.file == nil {
                let name = document.replacingOccurrences(of: "docs/", with: "").replacingOccurrences(of: ".md", with: "")
                    .map { $0.isLetter || $0.isNumber ? String($0) : "_" }.joined()
                var lines: [String] = ["// \(document):\(block.line)"]
                if isFileLevel(block) {
                    for line in block.code.split(separator: "\n", omittingEmptySubsequences: false) {
                        if line.hasPrefix("import ") {
                            imports.insert(String(line.dropFirst(7)).trimmingCharacters(in: .whitespaces))
                        } else if !(lines.count == 1 && line.isEmpty) {
                            lines.append(String(line))
                        }
                    }
                } else {
                    lines.append("private func sample_\(name)_\(number + 1)(\(block.parameters)) async throws {")
                    lines += block.code.split(separator: "\n", omittingEmptySubsequences: false).map { $0.isEmpty ? "" : "    " + $0 }
                    lines.append("}")
                }
                parts.append(lines.joined(separator: "\n"))
            }
        }
        let header = """
            // Generated from the ```swift blocks of README.md and docs/*.md by the L0 test
            // DocSampleTests (GOLDEN_RECORD=all swift test --filter DocSampleTests rewrites it).
            // Edit the documents, not this file.

            """
        return header + imports.sorted().map { "import \($0)" }.joined(separator: "\n") + "\n\n" + parts.joined(separator: "\n\n") + "\n"
    }

    /// Lines of the documents' manifest fragments that `Examples/Downstream/Package.swift` lacks.
    public static func manifestProblems(root: URL) throws -> [String] {
        let manifest = try String(contentsOf: root.appendingPathComponent(manifestPath), encoding: .utf8)
        let known = Set(manifest.split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) })
        var problems: [String] = []
        for document in try documents(root: root) {
            let text = try String(contentsOf: root.appendingPathComponent(document), encoding: .utf8)
            for block in blocks(in: text, document: document) where isManifest(block) {
                for line in block.code.split(separator: "\n").dropFirst() {
                    let trimmed = line.trimmingCharacters(in: .whitespaces)
                    if !trimmed.isEmpty, !known.contains(trimmed) { problems.append("\(document):\(block.line): \(trimmed)") }
                }
            }
        }
        return problems
    }
}
