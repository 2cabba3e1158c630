import Foundation
import GreenticFixtureServer
import GreenticTestKit
import Simulators
import TestSupport
import Testing

/// One way to read a packs root: the fixture server's index, the runner simulator, the provider
/// renderer and the validator see the same packs and refuse the same broken ones.
@Suite("Pack catalog (in-process)")
struct PackCatalogTests {
    @Test func everyReaderRefusesABrokenManifestNamingIt() async throws {
        let root = try Paths.temporary("catalog")
        defer { try? FileManager.default.removeItem(at: root) }
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
        let packs = Paths.packageRoot.appendingPathComponent("Packs")
        try FileManager.default.copyItem(at: packs.appendingPathComponent("integration-demos"), to: root.appendingPathComponent("integration-demos"))
        #expect(try RunnerSimulator.loadFlows(packsRoot: root).count == 3)

        let broken = root.appendingPathComponent("broken")
        try FileManager.default.createDirectory(at: broken, withIntermediateDirectories: true)
        try Data("{\"id\": \"broken\", ".utf8).write(to: broken.appendingPathComponent("pack.json"))
        let manifest = root.resolvingSymlinksInPath().appendingPathComponent("broken/pack.json").path
        let expected = PackCatalogError.invalidManifest(path: manifest, reason: "invalid JSON")
        #expect(throws: expected) { try PackCatalog.load(root: root) }
        #expect(throws: expected) { try PackIndex.build(root: root.path) }
        // The runner simulator and the provider renderer used to skip this pack and run the rest.
        #expect(throws: expected) { try RunnerSimulator.loadFlows(packsRoot: root) }
        #expect(throws: expected) { try ProviderRender.render(packsRoot: root, providers: [ProviderProfile(name: "p", capabilities: [])]) }
        #expect(PackValidator(root: root).validate().errors.contains { $0.hasPrefix("\(manifest): invalid JSON") })

        try PackWriter.write(.object(["name": "no id"]), to: broken.appendingPathComponent("pack.json"))
        #expect(throws: PackCatalogError.invalidManifest(path: manifest, reason: "missing string \"id\"")) { try RunnerSimulator.loadFlows(packsRoot: root) }
        try PackWriter.write(.array([]), to: broken.appendingPathComponent("pack.json"))
        #expect(throws: PackCatalogError.invalidManifest(path: manifest, reason: "not a JSON object")) { try PackCatalog.load(root: root) }
    }

    @Test func packsAreRealSubfoldersWithAManifestInFolderOrder() throws {
        let root = try Paths.temporary("catalog")
        let outside = try Paths.temporary("catalog-outside")
        defer { for dir in [root, outside] { try? FileManager.default.removeItem(at: dir) } }
        try PackWriter.write(root: root, folder: "b-folder", id: "aaa")
        try PackWriter.write(root: root, folder: "a-folder", id: "zzz")
        try PackWriter.write(root: outside, id: "linked")
        try FileManager.default.createSymbolicLink(at: root.appendingPathComponent("c-link"), withDestinationURL: outside.appendingPathComponent("linked"))
        try PackWriter.write(.object(["id": "top"]), to: root.appendingPathComponent("pack.json"))
        try FileManager.default.createDirectory(at: root.appendingPathComponent("d-empty"), withIntermediateDirectories: true)

        let catalog = try PackCatalog.load(root: root)
        #expect(catalog.packs.map(\.id) == ["zzz", "aaa"])
        #expect(catalog.packs.map(\.directory.lastPathComponent) == ["a-folder", "b-folder"])
        #expect(try PackCatalog.manifestURLs(root: root).map { $0.deletingLastPathComponent().lastPathComponent } == ["a-folder", "b-folder"])
        #expect(try PackIndex.build(root: root.path).entries.map(\.id) == ["aaa", "zzz"])
        #expect(PackValidator(root: root).validate().packCount == 2)

        let absent = try PackCatalog.load(root: root.appendingPathComponent("absent"))
        #expect(absent.rootMissing && absent.packs.isEmpty)
        #expect(throws: RenderError.noPacks(root.appendingPathComponent("absent").path)) {
            try ProviderRender.render(packsRoot: root.appendingPathComponent("absent"), providers: [])
        }
    }

    @Test func duplicateIDsNameBothFolders() throws {
        let root = try Paths.temporary("catalog")
        defer { try? FileManager.default.removeItem(at: root) }
        try PackWriter.write(root: root, folder: "one", id: "same")
        try PackWriter.write(root: root, folder: "two", id: "same")
        let canonical = root.resolvingSymlinksInPath().path
        #expect(throws: PackCatalogError.duplicateID(id: "same", paths: ["\(canonical)/one", "\(canonical)/two"])) { try PackCatalog.load(root: root) }
    }

    @Test func theDeclaringPackOfAFlowAndItsComponents() throws {
        let catalog = try PackCatalog.load(root: Paths.packageRoot.appendingPathComponent("Packs"))
        #expect(catalog.pack(declaringFlow: "repo_assistant_chat")?.id == "integration-demos")
        #expect(catalog.pack(declaringFlow: "deploy_generic_iac")?.componentIDs == ["greentic.deploy.generic.iac"])
        #expect(catalog.pack(declaringFlow: "no_such_flow") == nil)
        let demos = try #require(catalog.packs.first { $0.id == "integration-demos" })
        #expect(demos.flowFiles.count == 3 && demos.flowFiles.allSatisfy { FileManager.default.fileExists(atPath: $0.path) })
    }

    @Test(.enabled(if: Paths.conformance != nil, "conformance corpus not beside the project (set GREENTIC_CONFORMANCE_DIR)"))
    func planMatchesTheOriginalForItsDemoMenuPack() throws {
        let conformance = try #require(Paths.conformance)
        let index = try PackIndex.build(root: conformance.appendingPathComponent("packs").path)
        let entry = try #require(index.entries.first { $0.id == "demo-menu" })
        let plan = try DeploymentPlanner.plan(packDirectory: entry.path, runnerName: entry.id, tenant: "dev", environment: "dev")
        #expect(JSONWriter.compact(plan) == #"{"pack_id":"demo-menu","pack_version":"0.1.0","tenant":"dev","environment":"dev","runners":[{"name":"demo-menu-runner","replicas":1,"capabilities":null}],"messaging":{"logical_cluster":"default","subjects":[{"name":"welcome_menu","purpose":"menu","durable":true,"extra":null}],"extra":null},"channels":[{"name":"welcome_menu","flow_id":"welcome_menu","kind":"menu","config":null}],"secrets":[],"oauth":[],"telemetry":{"required":true,"extra":null},"extra":{"pack_kind":"application","pack_name":"Demo Menu Pack"}}"#)
        #expect(index.entries.map(\.id) == index.entries.map(\.id).sorted())
    }

    @Test func badVersionsAndMissingRootsAreHandled() throws {
        let dir = try Paths.temporary("index")
        defer { try? FileManager.default.removeItem(at: dir) }
        try PackWriter.write(root: dir, id: "p", version: "1.0")
        let index = try PackIndex.build(root: dir.path)
        #expect(throws: PlanError.self) { try DeploymentPlanner.plan(packDirectory: index.entries[0].path, tenant: "t", environment: "e") }
        #expect(try PackIndex.build(root: dir.appendingPathComponent("absent").path).rootMissing)
    }
}
