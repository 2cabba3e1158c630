import Foundation
import GreenticTestKit
import GreenticTestKitTesting
import TestSupport
import Testing

@Suite("Fixture server under load", .tags(.server))
struct FixtureServerLoadTests {
    /// 1,000 concurrent connections for 10 s (`wrk`, a mix of reads and upserts): no socket
    /// error, no non-2xx answer, the server still healthy, and its peak memory bounded.
    @Test(.requires(executables: ["wrk"]), .testEnv())
    func thousandConcurrentClientsForTenSeconds() async throws {
        let env = try TestEnv.required()
        let server = try await ServerHarness.start(env)
        let idleKiB = Self.status(server.process.pid, "VmRSS:")
        let script = env.directory.artifacts.appendingPathComponent("mix.lua")
        try Data("""
            local n = 0
            request = function()
              n = n + 1
              if n % 3 == 0 then
                return wrk.format("POST", "/sessions", {["Content-Type"] = "application/json"},
                  '{"tenant":"load","user":"u' .. (n % 500) .. '","key":"k' .. (n % 5000) .. '"}')
              elseif n % 3 == 1 then
                return wrk.format("GET", "/sessions?tenant=load&user=u" .. (n % 500))
              end
              return wrk.format("GET", "/healthz")
            end
            """.utf8).write(to: script)
        let wrk = try ExecutableLocator.locate("wrk")
        let out = try await CommandRunner.run("/bin/sh", ["-c", "ulimit -n 8192 2>/dev/null; exec \"$0\" \"$@\"", wrk, "-t2", "-c1000", "-d10s",
                                                          "--timeout", "10s", "-s", script.path, server.client.base],
                                              timeout: .seconds(60))
        try Data(out.stdout.utf8).write(to: env.directory.artifacts.appendingPathComponent("wrk.txt"))
        #expect(out.status == 0, "\(out.stderr)")
        #expect(!out.stdout.contains("Socket errors"), "\(out.stdout)")
        #expect(!out.stdout.contains("Non-2xx"), "\(out.stdout)")
        let requests = Double(out.stdout.split(separator: "\n").first { $0.contains("requests in") }?
            .split(separator: " ").first.map(String.init) ?? "") ?? 0
        #expect(requests > 1_000, "\(out.stdout)")
        #expect(try await server.client.get("/healthz").status == 200, "the server survived")
        let peakKiB = Self.status(server.process.pid, "VmHWM:")
        env.log("1,000 clients for 10 s: \(Int(requests)) requests; RSS idle \(idleKiB / 1024) MiB, peak \(peakKiB / 1024) MiB")
        #expect(peakKiB < idleKiB + 256 * 1024, "peak RSS \(peakKiB / 1024) MiB from \(idleKiB / 1024) MiB idle")
    }

    static func status(_ pid: Int32, _ field: String) -> Int {
        let text = (try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8)) ?? ""
        let line = text.split(separator: "\n").first { $0.hasPrefix(field) } ?? ""
        return Int(line.split(separator: " ", omittingEmptySubsequences: true).dropFirst().first ?? "") ?? 0
    }
}
