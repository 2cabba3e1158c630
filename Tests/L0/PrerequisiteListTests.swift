import Foundation
import GreenticTestKit
import TestSupport
import Testing

/// The one prerequisite list covers every tool the project's tests and sources run, so a new
/// prerequisite cannot be added in one place only.
@Suite("The prerequisite list")
struct PrerequisiteListTests {
    /// Python's own modules, which need no entry.
    static let pythonStandardLibrary: Set<String> = ["asyncio", "json", "sys", "time", "os", "socket", "signal", "importlib", "http", "urllib", "threading", "statistics", "subprocess", "pathlib"]
    /// Executables a test names on purpose because they do not exist.
    static let deliberatelyMissing: Set<String> = ["definitely-not-installed-xyz"]
    /// The toolchain that builds and runs the tests, which no package list installs.
    static let toolchain: Set<String> = ["swift"]

    func swiftSources() throws -> [(path: String, text: String)] {
        var out: [(String, String)] = []
        for folder in ["Tests", "Sources", "Benchmarks"] {
            let root = Paths.packageRoot.appendingPathComponent(folder)
            guard let walker = FileManager.default.enumerator(at: root, includingPropertiesForKeys: nil) else { continue }
            for case let url as URL in walker where url.pathExtension == "swift" {
                // Comments (doc examples) name no real tool.
                let code = try String(contentsOf: url, encoding: .utf8).split(separator: "\n", omittingEmptySubsequences: false)
                    .filter { !$0.trimmingCharacters(in: .whitespaces).hasPrefix("//") }.joined(separator: "\n")
                out.append((url.path, code))
            }
        }
        return out
    }

    func captures(_ pattern: String, in text: String) throws -> [String] {
        let regex = try NSRegularExpression(pattern: pattern)
        return regex.matches(in: text, range: NSRange(text.startIndex..., in: text)).compactMap { m in
            Range(m.range(at: 1), in: text).map { String(text[$0]) }
        }
    }

    @Test func everyToolTheTestsRunIsListed() throws {
        let list = PrerequisiteList.builtIn
        var commands: [String: String] = [:]
        var modules: [String: String] = [:]
        for (path, text) in try swiftSources() where !path.hasSuffix("PrerequisiteListTests.swift") {
            var names: [String] = []
            for list in try captures(#"requires\(executables: \[([^\]]*)\]"#, in: text) + (try captures(#"requireExecutables\(\[([^\]]*)\]"#, in: text)) {
                names += try captures(#""([^"]+)""#, in: list)
            }
            names += try captures(#"executable: "([^"/\\]+)""#, in: text)
            names += try captures(#""/usr/bin/env", \["([^"]+)""#, in: text)
            names += try captures(#"ExecutableLocator\.(?:locate|find)\("([^"]+)""#, in: text)
            names += try captures(#"CommandRunner\.run\("([^"/\\]+)""#, in: text)
            names += try captures(#"CommandRunner\.run\("([^"/\\]+)""#, in: text)
            for name in names where !Self.deliberatelyMissing.contains(name) && !Self.toolchain.contains(name) { commands[name] = path }
            for imported in try captures(#"(?m)(?:^\s*|")import ([a-z_][a-z0-9_, ]*)"#, in: text) + (try captures(#"from ([a-z_]+) import"#, in: text)) {
                for module in imported.split(separator: ",").map({ $0.trimmingCharacters(in: .whitespaces) }) where !module.isEmpty {
                    if !Self.pythonStandardLibrary.contains(module) { modules[module] = path }
                }
            }
        }
        #expect(commands.keys.contains("wrk") && commands.keys.contains("python3"), "the scan finds what the tests run: \(commands.keys.sorted())")
        #expect(modules.keys.contains("nats"), "the scan finds what Python snippets import: \(modules.keys.sorted())")
        for (command, path) in commands.sorted(by: { $0.key < $1.key }) {
            let covered = list.covers(command: command)
            #expect(covered, "\(command) (run by \(path)) is not in Sources/GreenticTestKit/Prerequisites/prerequisites.tsv")
        }
        for (module, path) in modules.sorted(by: { $0.key < $1.key }) {
            let covered = list.covers(pythonModule: module)
            #expect(covered, "Python module \(module) (imported by \(path)) is not in prerequisites.tsv")
        }
    }

    @Test func theListParsesAndRefusesMalformedLines() throws {
        let list = PrerequisiteList.builtIn
        #expect(list["nats-server"]?.installCommand == "apt-get install -y nats-server")
        #expect(list["nats-py"]?.installCommand == "python3 -m pip install nats-py")
        #expect(list["chromium"]?.tiers == ["l2"])
        #expect(Set(list.entries.map(\.name)).count == list.entries.count, "names are unique")
        #expect(throws: PrerequisiteList.ParseError.self) { try PrerequisiteList.parse("wrk deb wrk l2\n") }
        #expect(throws: PrerequisiteList.ParseError.self) { try PrerequisiteList.parse("wrk brew wrk l2 command:wrk\n") }
        #expect(throws: PrerequisiteList.ParseError.self) { try PrerequisiteList.parse("wrk deb wrk l7 command:wrk\n") }
        #expect(throws: PrerequisiteList.ParseError.self) { try PrerequisiteList.parse("wrk deb wrk l2 where:wrk\n") }
        let one = try PrerequisiteList.parse("# comment\n\nx  pip  x-pkg  l1,l2  python:x_mod\n")
        #expect(one.entries == [.init(name: "x", source: .pip, package: "x-pkg", tiers: ["l1", "l2"], probe: .python("x_mod"))])
    }
}
