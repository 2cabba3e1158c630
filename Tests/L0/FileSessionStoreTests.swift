import Foundation
import GreenticFixtureServer
import GreenticSessions
import GreenticTestKit
import TestSupport
import Testing

@Suite("File session store (in-process)", .tags(.sessions))
struct FileSessionStoreTests {
    func temp() throws -> (URL, String) {
        let dir = try Paths.temporary("store")
        return (dir, dir.appendingPathComponent("data/sessions.json").path)
    }

    @Test func persistsAcrossInstancesAndKeysByTenant() async throws {
        let (dir, path) = try temp()
        defer { try? FileManager.default.removeItem(at: dir) }
        let store = try FileSessionStore(path: path)
        _ = try await store.upsert(SessionRecord(key: "k", tenant: "acme", user: "u1", flowID: "f", context: ["n": 1]))
        _ = try await store.upsert(SessionRecord(key: "k", tenant: "beta", user: "u1"))
        _ = try await store.upsert(SessionRecord(key: "k", tenant: "acme", user: "u2"))
        #expect(try await store.remove(tenant: "beta", key: "k"))
        let reopened = try FileSessionStore(path: path)
        let all = try await reopened.list(SessionFilter())
        #expect(all.count == 1)
        #expect(all.first?.user == "u2" && all.first?.tenant == "acme")
    }

    @Test func anotherInstanceSeesWritesAndPurges() async throws {
        let (dir, path) = try temp()
        defer { try? FileManager.default.removeItem(at: dir) }
        let server = try FileSessionStore(path: path)
        let cli = try FileSessionStore(path: path)
        for i in 0..<5 { _ = try await server.upsert(SessionRecord(key: "k\(i)", tenant: "acme", user: "u")) }
        #expect(try await cli.purge(SessionFilter(tenant: "acme")) == 5)
        #expect(try await server.list(SessionFilter()).isEmpty)
        _ = try await server.upsert(SessionRecord(key: "new", tenant: "acme", user: "u"))
        #expect(try await cli.list(SessionFilter()).map(\.key) == ["new"])
    }

    @Test func tornTailIsDroppedButMidFileDamageIsAnErrorAndUntouched() async throws {
        let (dir, path) = try temp()
        defer { try? FileManager.default.removeItem(at: dir) }
        let store = try FileSessionStore(path: path)
        _ = try await store.upsert(SessionRecord(key: "a", tenant: "t", user: "u"))
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
        handle.seekToEndOfFile()
        handle.write(Data(#"{"op":"put","record":{"key":"b","ten"#.utf8))
        try handle.close()
        let recovered = try FileSessionStore(path: path)
        #expect(try await recovered.list(SessionFilter()).map(\.key) == ["a"])
        _ = try await recovered.upsert(SessionRecord(key: "c", tenant: "t", user: "u"))
        #expect(try await FileSessionStore(path: path).list(SessionFilter()).count == 2)

        var text = try String(contentsOfFile: path, encoding: .utf8)
        text = text.replacingOccurrences(of: #"{"op":"put","record":{"key":"a""#, with: #"{"op":"zap","record":{"key":"a""#)
        try Data(text.utf8).write(to: URL(fileURLWithPath: path))
        do {
            _ = try FileSessionStore(path: path)
            Issue.record("damaged journal accepted")
        } catch let error as SessionStoreError {
            guard case .corruptFile(let p, let offset, _) = error else { Issue.record("\(error)"); return }
            #expect(p == path && offset == 51, "offset \(offset)")
        }
        #expect(try String(contentsOfFile: path, encoding: .utf8) == text)
    }

    @Test func legacyArrayFileIsReadAndConvertedOnWrite() async throws {
        let (dir, path) = try temp()
        defer { try? FileManager.default.removeItem(at: dir) }
        try FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        try Data(#"[{"key":"old","tenant":"dev","user":"u","flow_id":"f","updated_at_epoch_ms":5}]"#.utf8).write(to: URL(fileURLWithPath: path))
        let store = try FileSessionStore(path: path)
        #expect(try await store.list(SessionFilter()).first?.flowID == "f")
        _ = try await store.upsert(SessionRecord(key: "new", tenant: "dev", user: "u"))
        #expect(try String(contentsOfFile: path, encoding: .utf8).hasPrefix(#"{"format":"greentic-sessions-journal""#))
        #expect(try await FileSessionStore(path: path).list(SessionFilter()).count == 2)
        try Data("[{\"tenant\":\"x\"}]".utf8).write(to: URL(fileURLWithPath: path))
        #expect(throws: SessionStoreError.self) { try FileSessionStore(path: path) }
    }

    @Test func compactionKeepsTheFileBoundedAndTheData() async throws {
        let (dir, path) = try temp()
        defer { try? FileManager.default.removeItem(at: dir) }
        let store = try FileSessionStore(path: path)
        for round in 0..<3 {
            try await withThrowingTaskGroup(of: Void.self) { group in
                for i in 0..<500 {
                    group.addTask { _ = try await store.upsert(SessionRecord(key: "k\(i % 50)", tenant: "t", user: "u\(round)")) }
                }
                try await group.waitForAll()
            }
        }
        let lines = try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n").count
        #expect(lines < 1200, "journal has \(lines) lines for 50 live sessions")
        let reopened = try await FileSessionStore(path: path).list(SessionFilter())
        #expect(reopened.count == 50)
        #expect(Set(reopened.compactMap(\.user)) == ["u2"])
    }
}

@Suite("Pack index, plans and config (in-process)")
struct PackIndexAndConfigTests {
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

    @Test(arguments: ["127.0.0.1:8080", "0.0.0.0:0", "[::1]:9000", "::1:80"])
    func listenAddressesParse(_ text: String) throws {
        _ = try ListenAddress(parsing: text)
    }

    @Test(arguments: ["localhost:8080", "127.0.0.1", "127.0.0.1:99999", "1.2.3:80", ":80"])
    func listenAddressesRejected(_ text: String) {
        #expect(throws: ConfigError.self) { try ListenAddress(parsing: text) }
    }

    @Test func configValidatesBackendsAndDefaults() throws {
        let wd = "/srv/work"
        let defaults = try ServerConfig.load(environment: [:], workingDirectory: wd)
        #expect(defaults.listenAddress == "127.0.0.1:8080")
        #expect(defaults.packsRoot == "/srv/work/Packs")
        #expect(defaults.sessionFile == "/srv/work/.data/sessions.json")
        #expect(defaults.sessionBackend == .file)
        #expect(defaults.runnerURL == nil && defaults.defaults == TenantDefaults())
        let env = try ServerConfig.load(environment: ["GREENTIC_RUNNER_URL": "http://r:1", "GREENTIC_STORES__SESSION__BACKEND": "MEMORY",
                                                      "GREENTIC_PACKS__ROOT": "/abs/packs"], workingDirectory: wd)
        #expect(env.runnerURL == "http://r:1" && env.sessionBackend == .memory && env.packsRoot == "/abs/packs")
        #expect(throws: ConfigError.self) { try ServerConfig.load(environment: ["GREENTIC_STORES__SESSION__BACKEND": "redis"], workingDirectory: wd) }
        #expect(throws: ConfigError.self) { try ServerConfig.load(environment: ["GREENTIC_STORES__SESSION__BACKEND": "mongo"], workingDirectory: wd) }
        #expect(throws: ConfigError.self) { try ServerConfig.load(environment: ["GREENTIC_DEFAULTS__TENANT": "a b"], workingDirectory: wd) }
        #expect(throws: ConfigError.self) { try ServerConfig.load(environment: ["GREENTIC_SERVER__LISTEN_ADDR": "localhost:1"], workingDirectory: wd) }
        #expect(throws: ConfigError.self) { try ServerConfig.load(configFile: "/nonexistent.toml", environment: [:], workingDirectory: wd) }
    }
}
