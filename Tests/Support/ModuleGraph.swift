import Foundation

/// The package's module graph as written (the allowed imports per target, from
/// `docs/architecture.md`) checked against what Package.swift declares and what every target's
/// Swift files import.
public struct ModuleGraph: Sendable {
    /// One target as Package.swift declares it.
    public struct Target: Sendable, Equatable {
        public var name: String
        /// The folder holding its sources, relative to the package root.
        public var path: String
        /// Its declared dependencies: target names and product names.
        public var dependencies: Set<String>

        public init(name: String, path: String, dependencies: Set<String>) {
            self.name = name
            self.path = path
            self.dependencies = dependencies
        }
    }

    /// One way the code or the manifest leaves the written graph.
    public struct Violation: Sendable, Equatable, CustomStringConvertible {
        public var target: String
        /// `file:line` for an import, `Package.swift` for a declared dependency.
        public var location: String
        public var module: String
        public var reason: String
        public var description: String { "\(location): \(target) → \(module): \(reason)" }

        public init(target: String, location: String, module: String, reason: String) {
            self.target = target
            self.location = location
            self.module = module
            self.reason = reason
        }
    }

    /// Modules every target may import without declaring them (the standard library's and
    /// Foundation's own modules).
    public static let systemModules: Set<String> = [
        "Swift", "_Concurrency", "Foundation", "FoundationEssentials", "FoundationNetworking", "FoundationXML",
        "Dispatch", "Glibc", "Musl", "Darwin", "Synchronization", "RegexBuilder",
    ]
    /// Modules the toolchain provides: they need no Package.swift entry, but the graph must allow them.
    public static let toolchainModules: Set<String> = ["Testing", "XCTest"]

    /// Allowed imports per target.
    public var allowed: [String: Set<String>]
    public var targets: [Target]

    public init(allowed: [String: Set<String>], targets: [Target]) {
        self.allowed = allowed
        self.targets = targets
    }

    /// Reads the graph from `docs/architecture.md` and the targets from `Package.swift` under `root`.
    public static func load(root: URL) throws -> ModuleGraph {
        let doc = try String(contentsOf: root.appendingPathComponent("docs/architecture.md"), encoding: .utf8)
        let manifest = try String(contentsOf: root.appendingPathComponent("Package.swift"), encoding: .utf8)
        return ModuleGraph(allowed: try parseAllowed(markdown: doc), targets: try parseTargets(manifest: manifest))
    }

    /// The `module-graph` block of a Markdown page: lines `Target: ModuleA ModuleB`.
    public static func parseAllowed(markdown: String) throws -> [String: Set<String>] {
        guard let start = markdown.range(of: "```module-graph\n") else {
            throw GraphError("no ```module-graph block in the architecture page")
        }
        guard let end = markdown.range(of: "\n```", range: start.upperBound..<markdown.endIndex) else {
            throw GraphError("the ```module-graph block is not closed")
        }
        var allowed: [String: Set<String>] = [:]
        for raw in markdown[start.upperBound..<end.lowerBound].split(separator: "\n") {
            let line = raw.split(separator: "#", maxSplits: 1, omittingEmptySubsequences: false)[0]
            guard !line.trimmingCharacters(in: .whitespaces).isEmpty else { continue }
            let parts = line.split(separator: ":", maxSplits: 1, omittingEmptySubsequences: false)
            guard parts.count == 2 else { throw GraphError("module-graph line without ':': \(raw)") }
            let name = parts[0].trimmingCharacters(in: .whitespaces)
            guard allowed[name] == nil else { throw GraphError("module-graph names \(name) twice") }
            allowed[name] = Set(parts[1].split(separator: " ").map(String.init))
        }
        return allowed
    }

    /// The targets of a Package.swift: name, source folder and dependencies.
    public static func parseTargets(manifest: String) throws -> [Target] {
        let kinds = [".target(", ".executableTarget(", ".testTarget(", ".systemLibrary("]
        var starts: [(index: String.Index, kind: String)] = []
        for kind in kinds {
            var from = manifest.startIndex
            while let r = manifest.range(of: kind, range: from..<manifest.endIndex) {
                starts.append((r.lowerBound, kind))
                from = r.upperBound
            }
        }
        starts.sort { $0.index < $1.index }
        var targets: [Target] = []
        for (i, start) in starts.enumerated() {
            let end = i + 1 < starts.count ? starts[i + 1].index : manifest.endIndex
            let block = String(manifest[start.index..<end])
            guard let name = firstCapture(#"name:\s*"([^"]+)""#, in: block) else {
                throw GraphError("a \(start.kind) in Package.swift has no name")
            }
            let defaultFolder = start.kind == ".testTarget(" ? "Tests" : "Sources"
            let path = firstCapture(#"path:\s*"([^"]+)""#, in: block) ?? "\(defaultFolder)/\(name)"
            var dependencies: Set<String> = []
            if let list = bracketed(after: "dependencies:", in: block) {
                let withoutPackages = list.replacingOccurrences(of: #"package:\s*"[^"]*""#, with: "", options: .regularExpression)
                dependencies = Set(allCaptures(#""([^"]+)""#, in: withoutPackages))
            }
            targets.append(Target(name: name, path: path, dependencies: dependencies))
        }
        return targets
    }

    /// The modules a Swift file imports, with their line numbers (`@testable`, `@preconcurrency`,
    /// `import struct M.T` and submodules `M.Sub` count as `M`; lines inside multi-line string
    /// literals do not count).
    public static func imports(in source: String) -> [(line: Int, module: String)] {
        var out: [(Int, String)] = []
        var inMultilineString = false
        for (n, raw) in source.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            // `import` inside a multi-line string literal (a Python script a test runs) is text.
            let delimiters = raw.components(separatedBy: "\"\"\"").count - 1
            if inMultilineString {
                if delimiters % 2 == 1 { inMultilineString = false }
                continue
            }
            if delimiters % 2 == 1 { inMultilineString = true }
            var words = raw.trimmingCharacters(in: .whitespaces).split(separator: " ").map(String.init)
            while let first = words.first, first.hasPrefix("@") { words.removeFirst() }
            guard words.first == "import", words.count >= 2 else { continue }
            let kindWords: Set<String> = ["struct", "class", "enum", "protocol", "func", "var", "let", "typealias", "actor"]
            let path = kindWords.contains(words[1]) && words.count >= 3 ? words[2] : words[1]
            let module = String(path.split(separator: ".")[0])
            if !module.isEmpty { out.append((n + 1, module)) }
        }
        return out
    }

    /// Every way the manifest and the sources under `root` leave the graph. `sources` maps a
    /// target's path-relative file name to its text; when nil the files are read from disk.
    public func violations(root: URL, sources: [String: [(file: String, text: String)]]? = nil) throws -> [Violation] {
        var found: [Violation] = []
        let targetNames = Set(targets.map(\.name))
        for target in targets {
            guard let allowedHere = allowed[target.name] else {
                found.append(Violation(target: target.name, location: "Package.swift", module: "-",
                                       reason: "target has no line in the module graph (docs/architecture.md)"))
                continue
            }
            for dependency in target.dependencies.sorted() where !allowedHere.contains(dependency) {
                found.append(Violation(target: target.name, location: "Package.swift", module: dependency,
                                       reason: "declared dependency outside the module graph"))
            }
            let files = try sources?[target.name] ?? Self.swiftFiles(root: root, folder: target.path)
            for (file, text) in files {
                for (line, module) in Self.imports(in: text) where module != target.name && !Self.systemModules.contains(module) {
                    let location = "\(file):\(line)"
                    if !allowedHere.contains(module) {
                        found.append(Violation(target: target.name, location: location, module: module,
                                               reason: "the module graph (docs/architecture.md) does not allow this import"))
                    } else if !Self.toolchainModules.contains(module) && !target.dependencies.contains(module) {
                        let kind = targetNames.contains(module) ? "target" : "product"
                        found.append(Violation(target: target.name, location: location, module: module,
                                               reason: "imports a \(kind) Package.swift does not declare for it"))
                    }
                }
            }
        }
        for name in allowed.keys.sorted() where !targetNames.contains(name) {
            found.append(Violation(target: name, location: "docs/architecture.md", module: "-",
                                   reason: "the module graph names a target Package.swift does not have"))
        }
        return found
    }

    static func swiftFiles(root: URL, folder: String) throws -> [(file: String, text: String)] {
        let dir = root.appendingPathComponent(folder)
        guard let walker = FileManager.default.enumerator(at: dir, includingPropertiesForKeys: nil) else { return [] }
        var out: [(String, String)] = []
        for case let url as URL in walker where url.pathExtension == "swift" {
            let relative = folder + "/" + url.path.dropFirst(dir.path.count + 1)
            out.append((relative, try String(contentsOf: url, encoding: .utf8)))
        }
        return out.sorted { $0.0 < $1.0 }
    }

    static func firstCapture(_ pattern: String, in text: String) -> String? {
        allCaptures(pattern, in: text).first
    }

    static func allCaptures(_ pattern: String, in text: String) -> [String] {
        guard let regex = try? NSRegularExpression(pattern: pattern) else { return [] }
        return regex.matches(in: text, range: NSRange(text.startIndex..., in: text)).compactMap { m in
            Range(m.range(at: 1), in: text).map { String(text[$0]) }
        }
    }

    /// The text inside the `[ … ]` that follows `label`, brackets balanced.
    static func bracketed(after label: String, in text: String) -> String? {
        guard let labelRange = text.range(of: label),
              let open = text[labelRange.upperBound...].firstIndex(of: "[") else { return nil }
        var depth = 0
        var index = open
        while index < text.endIndex {
            switch text[index] {
            case "[": depth += 1
            case "]":
                depth -= 1
                if depth == 0 { return String(text[text.index(after: open)..<index]) }
            default: break
            }
            index = text.index(after: index)
        }
        return nil
    }

    /// The architecture page or the manifest could not be read as a graph.
    public struct GraphError: Error, CustomStringConvertible {
        public var description: String
        init(_ description: String) { self.description = description }
    }
}
