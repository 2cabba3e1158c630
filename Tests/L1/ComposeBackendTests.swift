import Foundation
import GreenticTestKit
import GreenticTestKitTesting
import ScenarioDSL
import TestSupport
import Testing

@Suite("Compose backend with a fake docker", .tags(.compose, .infra))
struct ComposeBackendTests {
    func composeOptions(docker: FakeDocker, base: URL) -> TestEnvOptions {
        var environment = ProcessInfo.processInfo.environment
        environment["E2E_INFRA"] = "compose"
        environment["E2E_DOCKER"] = docker.executable.path
        environment["E2E_COMPOSE_FILE"] = Paths.packageRoot.appendingPathComponent("compose/e2e.yml").path
        environment["E2E_ARTIFACTS_DIR"] = base.path
        var options = TestEnvOptions(environment: environment)
        options.keepOnSuccess = true
        return options
    }

    @Test(.requires(infra: [.nats]), .testEnv(infra: [.nats]))
    func issuesTheComposeCallsAndReadsBackPorts() async throws {
        let outer = try TestEnv.required()
        let realPort = try #require(InfraEndpoints.hostPort(try outer.natsURL())?.port)
        let docker = try FakeDocker(in: outer.directory.artifacts, ports: ["nats": realPort])
        let base = outer.directory.artifacts.appendingPathComponent("inner")
        let options = composeOptions(docker: docker, base: base)

        let (url, folder) = try await TestEnv.with(name: "compose-inner", infra: [.nats], options: options) { env in
            #expect(env.endpoints.backend == "compose")
            let client = try await NATSClient.connect(url: try env.natsURL())
            try await client.flush()
            await client.close()
            return (try env.natsURL(), env.directory.root)
        }
        #expect(url == "nats://127.0.0.1:\(realPort)")

        let calls = docker.calls()
        let file = Paths.packageRoot.appendingPathComponent("compose/e2e.yml").path
        let project = try #require(calls.first?.components(separatedBy: " -p ").last?.split(separator: " ").first.map(String.init))
        #expect(project.hasPrefix("greentic_e2e_compose-inner_"))
        let prefix = "compose -f \(file) -p \(project)"
        #expect(calls == [
            "\(prefix) up -d --wait --remove-orphans nats",
            "\(prefix) port nats 4222",
            "\(prefix) logs --no-color --timestamps",
            "\(prefix) down -v --remove-orphans",
        ])
        let composeLog = try String(contentsOf: folder.appendingPathComponent("logs/compose.log"), encoding: .utf8)
        #expect(composeLog.contains("fake log line"))
    }

    @Test(.testEnv())
    func failedUpReportsStderrAndStillTearsDown() async throws {
        let outer = try TestEnv.required()
        let docker = try FakeDocker(in: outer.directory.artifacts, ports: [:], upExitCode: 18)
        let options = composeOptions(docker: docker, base: outer.directory.artifacts.appendingPathComponent("inner"))
        do {
            try await TestEnv.with(name: "compose-fails", infra: [.redis], options: options) { _ in }
            Issue.record("failed compose up was not reported")
        } catch let error as TestEnvError {
            #expect("\(error)".contains("docker compose up failed (code 18): Error response from daemon: pull access denied"))
        }
        let calls = docker.calls()
        #expect(calls.count == 3)
        #expect(calls.last?.hasSuffix("down -v --remove-orphans") == true)
    }
}
