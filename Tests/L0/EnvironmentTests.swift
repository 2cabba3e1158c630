import Foundation
import GreenticTestKit
import Testing

@Suite("Strict mode, redaction, selection")
struct EnvironmentTests {
    @Test func strictMode() {
        #expect(!StrictMode.isStrict([:]))
        #expect(StrictMode.isStrict(["CI": "true"]))
        #expect(StrictMode.isStrict(["CI": "1"]))
        #expect(!StrictMode.isStrict(["CI": "false"]))
        #expect(!StrictMode.isStrict(["CI": ""]))
        #expect(StrictMode.isStrict(["E2E_STRICT": "1"]))
        #expect(!StrictMode.isStrict(["E2E_STRICT": "0"]))
    }

    @Test func redactsSecretsAndUrlPasswords() {
        let snapshot = EnvironmentSnapshot.relevantEnvironment([
            "GREENTIC_API_TOKEN": "tok-123",
            "E2E_DATABASE_URL": "postgres://u:hunter2@db:5432/x",
            "GREENTIC_SERVER__LISTEN_ADDR": "127.0.0.1:1",
            "E2E_PLAIN": "value-that-is-a-secret",
            "HOME": "/root",
        ], secrets: ["value-that-is-a-secret"])
        let text = JSONWriter.compact(snapshot)
        #expect(!text.contains("tok-123") && !text.contains("hunter2") && !text.contains("value-that-is-a-secret"))
        #expect(snapshot["E2E_DATABASE_URL"] == "postgres://u:***@db:5432/x")
        #expect(snapshot["GREENTIC_SERVER__LISTEN_ADDR"] == "127.0.0.1:1")
        #expect(snapshot["HOME"] == nil)
    }

    @Test func infraSelection() throws {
        #expect(try InfraSelection.fromEnvironment([:]) == .auto)
        #expect(try InfraSelection.fromEnvironment(["E2E_INFRA": "Compose"]) == .compose)
        #expect(throws: TestEnvError.self) { try InfraSelection.fromEnvironment(["E2E_INFRA": "k8s"]) }
    }

    @Test func autoPicksExternalWhenEveryUrlIsSet() async throws {
        let env = ["E2E_NATS_URL": "nats://127.0.0.1:1", "E2E_REDIS_URL": "redis://127.0.0.1:2"]
        let backend = try await InfraSelection.auto.backend(for: [.nats, .redis], environment: env)
        #expect(backend.name == "external")
    }

    @Test func composeProjectNamesAreValid() {
        let name = ComposeInfraBackend.projectName(for: "L2_Suite/Test Name.ü")
        #expect(name.hasPrefix("greentic_e2e_l2_suite_test_name__"))
        #expect(name.allSatisfy { ($0.isLetter && $0.isLowercase) || $0.isNumber || $0 == "_" || $0 == "-" })
    }

    @Test func hostPortParsing() {
        #expect(InfraEndpoints.hostPort("nats://127.0.0.1:4222")! == ("127.0.0.1", 4222))
        #expect(InfraEndpoints.hostPort("postgres://u:p@[::1]:5432/db")!.port == 5432)
        #expect(InfraEndpoints.hostPort("nats://nohost") == nil)
    }
}
