import Crypto
import Foundation
import GreenticFixtureServer
import GreenticTestKit
import Simulators
import TestSupport
import Testing
import ZIPFoundation

@Suite("Pack archives, deploy-plan component", .tags(.packTooling))
struct PackArchiveTests {
    @Test func roundTripIsDeterministicAndInstalls() throws {
        let dir = try Paths.temporary("archive")
        defer { try? FileManager.default.removeItem(at: dir) }
        let pack = try PackWriter.write(root: dir.appendingPathComponent("src"), id: "arch")
        let a = dir.appendingPathComponent("a.zip"), b = dir.appendingPathComponent("b.zip")
        let manifest = try PackArchive.build(packDirectory: pack, output: a)
        try PackArchive.build(packDirectory: pack, output: b)
        #expect(try Data(contentsOf: a) == Data(contentsOf: b), "same input, same bytes")
        #expect(manifest.files.map(\.path) == ["README.md", "golden/greet.json", "pack.json", "scenarios/greet.json"])
        #expect(try PackArchive.verify(archive: a) == manifest)
        let installed = try PackArchive.install(archive: a, packsRoot: dir.appendingPathComponent("packs"))
        #expect(installed.lastPathComponent == "arch")
        #expect(try PackIndex.build(root: dir.appendingPathComponent("packs").path).entries.map(\.id) == ["arch"])
    }

    @Test func oneChangedByteFailsVerification() throws {
        let dir = try Paths.temporary("tamper")
        defer { try? FileManager.default.removeItem(at: dir) }
        let pack = try PackWriter.write(root: dir, id: "t")
        let url = dir.appendingPathComponent("t.zip")
        try PackArchive.build(packDirectory: pack, output: url)
        var bytes = [UInt8](try Data(contentsOf: url))
        // Flip one byte inside the stored data of the first pack file (after the manifest entry).
        let needle = Array("pack/README.md".utf8)
        let at = (0..<(bytes.count - needle.count)).first { Array(bytes[$0..<($0 + needle.count)]) == needle }!
        bytes[at + needle.count + 4] ^= 0x01
        try Data(bytes).write(to: url)
        #expect(throws: PackArchiveError.self) { try PackArchive.verify(archive: url) }
        #expect(throws: PackArchiveError.self) { try PackArchive.install(archive: url, packsRoot: dir.appendingPathComponent("packs")) }
        #expect(!FileManager.default.fileExists(atPath: dir.appendingPathComponent("packs/t").path))
    }

    @Test func signaturesAreChecked() throws {
        let dir = try Paths.temporary("sign")
        defer { try? FileManager.default.removeItem(at: dir) }
        let pack = try PackWriter.write(root: dir, id: "s")
        let key = Curve25519.Signing.PrivateKey()
        let url = dir.appendingPathComponent("s.zip")
        try PackArchive.build(packDirectory: pack, output: url, signingKey: key)
        try PackArchive.verify(archive: url, trustedKey: key.publicKey)
        #expect(throws: PackArchiveError.badSignature("signed with a key that is not the trusted one")) {
            try PackArchive.verify(archive: url, trustedKey: Curve25519.Signing.PrivateKey().publicKey)
        }
        let unsigned = dir.appendingPathComponent("u.zip")
        try PackArchive.build(packDirectory: pack, output: unsigned)
        #expect(throws: PackArchiveError.badSignature("the archive is not signed")) { try PackArchive.verify(archive: unsigned, trustedKey: key.publicKey) }
    }

    @Test func extraEntriesAndTraversalAreRefused() throws {
        let dir = try Paths.temporary("evil")
        defer { try? FileManager.default.removeItem(at: dir) }
        let pack = try PackWriter.write(root: dir, id: "e")
        let url = dir.appendingPathComponent("e.zip")
        try PackArchive.build(packDirectory: pack, output: url)
        let archive = try Archive(url: url, accessMode: .update)
        let evil = Data("owned".utf8)
        try archive.addEntry(with: "pack/../../escape.txt", type: .file, uncompressedSize: Int64(evil.count)) { p, s in evil.subdata(in: Int(p)..<Int(p) + s) }
        #expect(throws: PackArchiveError.tampered("pack/../../escape.txt is in the archive but not in the manifest")) { try PackArchive.verify(archive: url) }
        #expect(!FileManager.default.fileExists(atPath: dir.deletingLastPathComponent().appendingPathComponent("escape.txt").path))
    }

    @Test func strictModeRequiresThePlatformTools() async throws {
        let dir = try Paths.temporary("strict")
        defer { try? FileManager.default.removeItem(at: dir) }
        let pack = try PackWriter.write(root: dir, id: "p")
        let tooling = PackTooling(environment: ["PATH": "/nonexistent", "GREENTIC_PACK_STRICT": "1"])
        await #expect(throws: PackArchiveError.self) { _ = try await tooling.build(packDirectory: pack, output: dir.appendingPathComponent("p.zip")) }
        let native = PackTooling(environment: ["PATH": "/nonexistent"])
        #expect(try await native.build(packDirectory: pack, output: dir.appendingPathComponent("p.zip")) == .native)
        #expect(try await native.verify(archive: dir.appendingPathComponent("p.zip")) == .native)
    }

    final class Recorder: PlanRuntime, @unchecked Sendable {
        let plan: Result<String, DeployPlanError>
        var statuses: [String] = []
        init(_ plan: Result<String, DeployPlanError>) { self.plan = plan }
        func emitStatus(_ message: String) { statuses.append(message) }
        func deploymentPlan() throws -> String { try plan.get() }
    }

    @Test func deployPlanComponentWritesPlanAndReportsStatus() throws {
        let dir = try Paths.temporary("iac")
        defer { try? FileManager.default.removeItem(at: dir) }
        let sandbox = IacSandbox(hostRoot: dir.appendingPathComponent("iac"))
        let json = Recorder(.success(#"{"list":[1,2],"key":"value"}"#))
        let written = try DeployPlanComponent.run(runtime: json, sandbox: sandbox)
        #expect(try String(contentsOf: written, encoding: .utf8) == "{\n  \"key\": \"value\",\n  \"list\": [\n    1,\n    2\n  ]\n}")
        #expect(json.statuses == ["deploy-plan-component: fetching deployment plan", "deploy-plan-component: writing /iac/plan.json", "deploy-plan-component: done"])
        let raw = Recorder(.success("not-json"))
        #expect(try String(contentsOf: DeployPlanComponent.run(runtime: raw, sandbox: sandbox), encoding: .utf8) == "not-json")
        let failing = Recorder(.failure(.runtime("binding failed")))
        try FileManager.default.removeItem(at: written)
        #expect(throws: DeployPlanError.runtime("binding failed")) { try DeployPlanComponent.run(runtime: failing, sandbox: sandbox) }
        #expect(failing.statuses == ["deploy-plan-component: fetching deployment plan"])
        #expect(!FileManager.default.fileExists(atPath: written.path))
    }

    @Test func sandboxRefusesEscapes() throws {
        let dir = try Paths.temporary("iac2")
        defer { try? FileManager.default.removeItem(at: dir) }
        let sandbox = IacSandbox(hostRoot: dir.appendingPathComponent("iac"))
        #expect(try sandbox.hostURL(for: "/iac/out/plan.json").path == dir.appendingPathComponent("iac/out/plan.json").path)
        for bad in ["/iac/../etc/passwd", "/etc/passwd", "/iacx/plan.json", "/iac/a/../../b"] {
            #expect(throws: DeployPlanError.outsideSandbox(bad)) { try sandbox.hostURL(for: bad) }
        }
        try FileManager.default.createSymbolicLink(at: dir.appendingPathComponent("iac/link"), withDestinationURL: dir)
        #expect(throws: DeployPlanError.outsideSandbox("/iac/link/plan.json")) { try sandbox.hostURL(for: "/iac/link/plan.json") }
    }

    @Test func hostRuntimeInfersThePlanLikePacksPlan() throws {
        let dir = try Paths.temporary("host")
        defer { try? FileManager.default.removeItem(at: dir) }
        let runtime = HostPlanRuntime(source: .inferred(packDirectory: Paths.packageRoot.appendingPathComponent("Packs/deploy-generic").path, tenant: "acme", environment: "dev"))
        let written = try DeployPlanComponent.run(runtime: runtime, sandbox: IacSandbox(hostRoot: dir))
        let plan = try JSONValue.parse(Data(contentsOf: written))
        #expect(plan["pack_id"] == "deploy-generic" && plan["tenant"] == "acme")
        #expect(plan.value(atPath: "runners.0.name") == "deploy-generic-runner")
    }
}
