import Foundation
import GreenticFixtureServer
import GreenticTestKit
import Testing

/// The ready lines the CLI prints are the ones the spec builders wait for, and the config keys
/// the kit sets reach the fixture server's config.
@Suite("The kit's command contract")
struct KitCommandContractTests {
    func port(_ pattern: String, in line: String) throws -> String? {
        let regex = try NSRegularExpression(pattern: pattern)
        guard let match = regex.firstMatch(in: line, range: NSRange(line.startIndex..., in: line)),
              let range = Range(match.range(withName: "port"), in: line) else { return nil }
        return String(line[range])
    }

    @Test func readyPatternsMatchTheReadyLines() throws {
        typealias C = KitCommandContract
        #expect(try port(C.Serve.readyPattern(), in: "info: " + C.Serve.readyLine(host: "127.0.0.1", port: 40123)) == "40123")
        #expect(try port(C.Serve.readyPattern(host: "::1"), in: C.Serve.readyLine(host: "::1", port: 9)) == "9")
        #expect(try port(C.RunnerSim.readyPattern(), in: C.RunnerSim.readyLine(host: "127.0.0.1", port: 5555)) == "5555")
        // The dots are literal: another address does not pass for loopback.
        #expect(try port(C.Serve.readyPattern(), in: C.Serve.readyLine(host: "127.0.0.10", port: 1)) == nil)
        #expect(try port(C.Serve.readyPattern(), in: "listening on http://127x0x0x1:80") == nil)
        // The two executables' lines are told apart.
        #expect(try port(C.RunnerSim.readyPattern(), in: C.Serve.readyLine(host: "127.0.0.1", port: 1)) == nil)
    }

    @Test func everyConfigKeyTheKitSetsReachesTheServerConfig() throws {
        typealias Key = KitCommandContract.ConfigKey
        let env = [Key.sessionBackend.environmentName: "redis", Key.sessionFilePath.environmentName: "/tmp/s.json",
                   Key.sessionRedisURL.environmentName: "redis://127.0.0.1:1/0", Key.runnerURL.environmentName: "http://127.0.0.1:2",
                   Key.sessionRedisPrefix.environmentName: "greentic:sessions:e2e-abc"]
        #expect(Set(env.keys).count == Key.allCases.count)
        let config = try ServerConfig.load(environment: env, workingDirectory: "/srv")
        #expect(config.sessionBackend == .redis)
        #expect(config.sessionFile == "/tmp/s.json")
        #expect(config.redisURL == "redis://127.0.0.1:1/0")
        #expect(config.runnerURL == "http://127.0.0.1:2")
        #expect(config.redisPrefix == "greentic:sessions:e2e-abc")
        #expect(Key.sessionFilePath.environmentName == "GREENTIC_STORES__SESSION__FILE_PATH")
    }
}
