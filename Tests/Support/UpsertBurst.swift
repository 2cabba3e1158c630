import Foundation
import GreenticTestKit

/// Crash-safety probe: eight writers post sessions to a fixture server until at least
/// `minimum` are acknowledged, then the server's process group is killed with SIGKILL.
public enum UpsertBurst {
    /// The keys the server acknowledged (200) before it died.
    public static func acknowledgedUntilKilled(_ server: ServerHarness.Started, tenant: String = "acme", minimum: Int = 300) async throws -> Set<String> {
        let acknowledged = Locked<[String]>([])
        let writing = Locked(8)
        let client = server.client
        let writers = Task {
            await withTaskGroup(of: Void.self) { group in
                for w in 0..<8 {
                    group.addTask {
                        defer { writing.mutate { $0 -= 1 } }
                        for i in 0..<10_000 {
                            let key = "w\(w)-\(i)"
                            guard let r = try? await client.post("/sessions", json: ["tenant": .string(tenant), "user": "u", "key": .string(key)]),
                                  r.status == 200 else { return }
                            acknowledged.mutate { $0.append(key) }
                        }
                    }
                }
            }
        }
        // Killed once `minimum` upserts were acknowledged, however long a loaded machine takes;
        // if every writer stopped first (the server refused or failed), killed then, and the
        // caller's count shows it.
        while acknowledged.value.count < minimum, writing.value > 0 { try await Task.sleep(for: .milliseconds(5)) }
        server.process.signalGroup(SIGKILL)
        _ = await server.process.waitForExit()
        writers.cancel()
        await writers.value
        return Set(acknowledged.value)
    }

    /// The session keys a (restarted) server lists for the tenant.
    public static func present(_ server: ServerHarness.Started, tenant: String = "acme") async throws -> Set<String> {
        let listed = try await server.client.get("/sessions?tenant=\(tenant)").json?["sessions"]?.arrayValue ?? []
        return Set(listed.compactMap { $0["key"]?.stringValue })
    }
}
