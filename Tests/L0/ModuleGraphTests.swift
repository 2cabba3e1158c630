import Foundation
import TestSupport
import Testing

/// The module graph written in `docs/architecture.md` is the one the code and Package.swift have.
@Suite("The module graph")
struct ModuleGraphTests {
    @Test func thePackageKeepsTheWrittenGraph() throws {
        let graph = try ModuleGraph.load(root: Paths.packageRoot)
        // Every target of the package is read, so a parser that found nothing cannot pass.
        #expect(Set(graph.targets.map(\.name)).isSuperset(of: ["GreenticTestKit", "ScenarioDSL", "Simulators", "GreenticSessions", "GreenticFixtureServer", "greentic-integration", "L0", "L1", "L2"]))
        #expect(graph.targets.first { $0.name == "L0" }?.path == "Tests/L0")
        #expect(graph.targets.first { $0.name == "Simulators" }?.dependencies.contains("GreenticSessions") == true)
        let violations = try graph.violations(root: Paths.packageRoot)
        #expect(violations.isEmpty, "\(violations.map(\.description).joined(separator: "\n"))")
    }

    static let manifest = """
        let package = Package(
            name: "P",
            products: [.library(name: "Kit", targets: ["Kit"])],
            targets: [
                .target(name: "Kit", dependencies: [.product(name: "NIOCore", package: "swift-nio")]),
                .target(
                    name: "Sims",
                    dependencies: [
                        "Kit",
                        .product(name: "Yams", package: "Yams"),
                    ],
                    resources: [.copy("x")]
                ),
                .target(name: "Server", dependencies: ["Kit"]),
                .testTarget(name: "T0", dependencies: ["Kit", "Sims"], path: "Tests/T0"),
            ]
        )
        """

    static let allowed: [String: Set<String>] = [
        "Kit": ["NIOCore"], "Sims": ["Kit", "Yams"], "Server": ["Kit"], "T0": ["Kit", "Sims", "Testing"],
    ]

    func check(_ sources: [String: [(file: String, text: String)]], manifest: String = Self.manifest,
               allowed: [String: Set<String>] = Self.allowed) throws -> [ModuleGraph.Violation] {
        let graph = ModuleGraph(allowed: allowed, targets: try ModuleGraph.parseTargets(manifest: manifest))
        var all: [String: [(file: String, text: String)]] = ["Kit": [], "Sims": [], "Server": [], "T0": []]
        for (k, v) in sources { all[k] = v }
        return try graph.violations(root: Paths.packageRoot, sources: all)
    }

    @Test func readsTargetsPathsAndDependencies() throws {
        let targets = try ModuleGraph.parseTargets(manifest: Self.manifest)
        #expect(targets == [
            .init(name: "Kit", path: "Sources/Kit", dependencies: ["NIOCore"]),
            .init(name: "Sims", path: "Sources/Sims", dependencies: ["Kit", "Yams"]),
            .init(name: "Server", path: "Sources/Server", dependencies: ["Kit"]),
            .init(name: "T0", path: "Tests/T0", dependencies: ["Kit", "Sims"]),
        ])
    }

    @Test func aCleanGraphHasNoViolations() throws {
        let violations = try check([
            "Kit": [("Sources/Kit/A.swift", "import Foundation\nimport NIOCore\nimport Synchronization\n")],
            "Sims": [("Sources/Sims/B.swift", "@preconcurrency import Yams\nimport struct Kit.Thing\n")],
            "T0": [("Tests/T0/C.swift", "@testable import Sims\nimport Testing\n")],
        ])
        #expect(violations.isEmpty, "\(violations)")
    }

    @Test func anImportOutsideTheGraphIsNamedWithFileAndLine() throws {
        let violations = try check(["Sims": [("Sources/Sims/B.swift", "import Kit\n\nimport Server\n")]])
        #expect(violations == [.init(target: "Sims", location: "Sources/Sims/B.swift:3", module: "Server",
                                     reason: "the module graph (docs/architecture.md) does not allow this import")])
    }

    @Test func importsInsideMultilineStringsAreText() {
        let source = "import Kit\nlet script = \"\"\"\n    import asyncio, nats\n    \"\"\"\nimport Yams\nlet s = \"\"\"\nimport json\n\"\"\"\n"
        #expect(ModuleGraph.imports(in: source).map(\.module) == ["Kit", "Yams"])
        #expect(ModuleGraph.imports(in: source).map(\.line) == [1, 5])
    }

    @Test func aTestFrameworkInTheCoreIsOutsideTheGraph() throws {
        let violations = try check(["Kit": [("Sources/Kit/A.swift", "import XCTest\n")]])
        #expect(violations.map(\.module) == ["XCTest"])
    }

    @Test func anAllowedButUndeclaredImportIsReported() throws {
        // Sims may use NIOCore by the graph, but only reaches it through Kit.
        var allowed = Self.allowed
        allowed["Sims"]?.insert("NIOCore")
        let violations = try check(["Sims": [("Sources/Sims/B.swift", "import NIOCore.Sub\n")]], allowed: allowed)
        #expect(violations == [.init(target: "Sims", location: "Sources/Sims/B.swift:1", module: "NIOCore",
                                     reason: "imports a product Package.swift does not declare for it")])
    }

    @Test func aDeclaredDependencyOutsideTheGraphIsReported() throws {
        let manifest = Self.manifest.replacingOccurrences(of: #".target(name: "Server", dependencies: ["Kit"])"#,
                                                          with: #".target(name: "Server", dependencies: ["Kit", "Sims"])"#)
        let violations = try check([:], manifest: manifest)
        #expect(violations == [.init(target: "Server", location: "Package.swift", module: "Sims",
                                     reason: "declared dependency outside the module graph")])
    }

    @Test func targetsAndGraphLinesMustMatch() throws {
        var allowed = Self.allowed
        allowed["Server"] = nil
        allowed["Gone"] = []
        let violations = try check([:], allowed: allowed)
        #expect(Set(violations.map(\.target)) == ["Server", "Gone"])
    }

    @Test func theGraphBlockIsParsedStrictly() throws {
        let page = "text\n```module-graph\n# comment\nA: B C\nD:\n```\n"
        #expect(try ModuleGraph.parseAllowed(markdown: page) == ["A": ["B", "C"], "D": []])
        #expect(throws: ModuleGraph.GraphError.self) { try ModuleGraph.parseAllowed(markdown: "no block") }
        #expect(throws: ModuleGraph.GraphError.self) { try ModuleGraph.parseAllowed(markdown: "```module-graph\nA B\n```\n") }
        #expect(throws: ModuleGraph.GraphError.self) { try ModuleGraph.parseAllowed(markdown: "```module-graph\nA: B\nA: C\n```\n") }
    }
}
