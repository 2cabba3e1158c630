import Foundation
import TestSupport
import Testing

/// The public surface is what `docs/api.md` lists: a type made public without being documented
/// there, or listed there but no longer public, fails here. Everything else is `package`.
@Suite("The public API")
struct PublicAPITests {
    static let products = ["GreenticTestKit", "GreenticTestKitTesting", "GreenticTestKitXCTest", "ScenarioDSL", "Simulators",
                           "GreenticFixtureServer", "GreenticSessions"]

    /// Top-level `public` type declarations of one target's sources: (name, file:line).
    static func publicTypes(of target: String) throws -> [(name: String, location: String)] {
        let root = Paths.packageRoot.appendingPathComponent("Sources/\(target)")
        let regex = /^public (?:final )?(?:indirect )?(?:struct|enum|class|protocol|actor|typealias) ([A-Za-z_][A-Za-z0-9_]*)/
        var found: [(String, String)] = []
        let files = FileManager.default.enumerator(atPath: root.path)?.compactMap { $0 as? String }.filter { $0.hasSuffix(".swift") }.sorted() ?? []
        for file in files {
            let text = try String(contentsOf: root.appendingPathComponent(file), encoding: .utf8)
            for (number, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
                if let match = line.firstMatch(of: regex) { found.append((String(match.1), "Sources/\(target)/\(file):\(number + 1)")) }
            }
        }
        return found
    }

    /// The names `docs/api.md` lists under `## <product>`.
    static func documented() throws -> [String: Set<String>] {
        let text = try String(contentsOf: Paths.packageRoot.appendingPathComponent("docs/api.md"), encoding: .utf8)
        var sections: [String: Set<String>] = [:]
        var current: String?
        for line in text.split(separator: "\n") {
            if line.hasPrefix("## ") { current = String(line.dropFirst(3)); continue }
            if let current, let match = line.firstMatch(of: /^\| `([A-Za-z_][A-Za-z0-9_]*)` \|/) { sections[current, default: []].insert(String(match.1)) }
        }
        return sections
    }

    @Test(arguments: products)
    func everyPublicTypeIsDocumentedAndNothingElse(_ product: String) throws {
        let types = try Self.publicTypes(of: product)
        #expect(!types.isEmpty)
        let listed = try Self.documented()[product] ?? []
        let undocumented = types.filter { !listed.contains($0.name) }.map { "\($0.location): public \($0.name) is not in docs/api.md (document it there, or make it package)" }
        let stale = listed.subtracting(types.map(\.name)).sorted().map { "docs/api.md lists \($0) under \(product), which is not public there" }
        #expect(undocumented + stale == [])
    }
}
