import Foundation

/// The layout rule for `Sources/`: a file declares at most one type that is not `private` or
/// `fileprivate` at the top level, and that type is named like the file (`Timeline.swift` holds
/// `Timeline`). Files of extensions (`TestEnv+Stack.swift`) declare no such type. Nested types
/// and private helpers are free.
public enum SourceLayout {
    /// One file breaking the rule.
    public struct Violation: Sendable, CustomStringConvertible, Equatable {
        public var file: String
        public var types: [String]

        public init(file: String, types: [String]) {
            self.file = file
            self.types = types
        }

        public var description: String {
            types.count > 1 ? "\(file): \(types.count) top-level types (\(types.joined(separator: ", "))); give each its own file"
                : "\(file): declares \(types[0]), not the type the file is named after"
        }
    }

    /// The non-private top-level types a Swift source declares, in order.
    public static func topLevelTypes(in source: String) -> [String] {
        let declaration = /^((?:(?:public|package|internal|private|fileprivate|final|indirect|nonisolated|@\w+(?:\([^)]*\))?)\s+)*)(?:struct|class|enum|actor|protocol)\s+(\w+)/
        var types: [String] = []
        for line in source.split(separator: "\n", omittingEmptySubsequences: false) {
            guard let match = line.prefixMatch(of: declaration) else { continue }
            let modifiers = match.output.1.split(whereSeparator: \.isWhitespace)
            if modifiers.contains("private") || modifiers.contains("fileprivate") { continue }
            types.append(String(match.output.2))
        }
        return types
    }

    /// The violation of one file, if any (`fileName` without folders).
    public static func violation(fileName: String, source: String) -> Violation? {
        let types = topLevelTypes(in: source)
        let stem = fileName.hasSuffix(".swift") ? String(fileName.dropLast(6)) : fileName
        if types.count > 1 || (types.count == 1 && types[0] != stem) { return Violation(file: fileName, types: types) }
        return nil
    }

    /// Every violation under `root/Sources`, and how many files were read.
    public static func violations(root: URL) throws -> (files: Int, violations: [Violation]) {
        let sources = root.appendingPathComponent("Sources")
        guard let walker = FileManager.default.enumerator(at: sources, includingPropertiesForKeys: nil) else { return (0, []) }
        var files = 0
        var found: [Violation] = []
        for case let url as URL in walker where url.pathExtension == "swift" {
            files += 1
            let relative = String(url.path.dropFirst(root.path.count + 1))
            if var violation = violation(fileName: url.lastPathComponent, source: try String(contentsOf: url, encoding: .utf8)) {
                violation.file = relative
                found.append(violation)
            }
        }
        return (files, found.sorted { $0.file < $1.file })
    }
}
