import Foundation
import GreenticFixtureServer
import GreenticSessions
import GreenticTestKit
import GreenticTestKitTesting
import TestSupport
import Testing

@Suite("Redis session store against a real redis-server", .tags(.redis, .sessions))
struct RedisSessionStoreTests {
    @Test(.requires(infra: [.redis]), .testEnv(infra: [.redis]))
    func storeOperationsArePooledAtomicAndReportCorruption() async throws {
        let env = try TestEnv.required()
        let store = try RedisSessionStore(url: try env.redisURL(), prefix: "\(env.subjectPrefix):sessions")
        #expect(await store.health().ok)
        let a = try await store.upsert(SessionRecord(key: "k1", tenant: "acme", team: "ops", user: "u1", flowID: "f"))
        try await Task.sleep(for: .milliseconds(3))
        _ = try await store.upsert(SessionRecord(key: "k2", tenant: "acme", user: "u1", flowID: "g"))
        _ = try await store.upsert(SessionRecord(key: "k1", tenant: "beta", user: "u1"))
        #expect(a.updatedAtEpochMs > 0)
        #expect(try await store.list(SessionFilter(tenant: "acme")).map(\.key) == ["k2", "k1"])
        #expect(try await store.find(SessionFilter(tenant: "acme", user: "u1"))?.key == "k2")
        #expect(try await store.list(SessionFilter(team: "ops")).count == 1)

        // Concurrent writers share the pool.
        try await withThrowingTaskGroup(of: Void.self) { group in
            for i in 0..<200 {
                group.addTask { _ = try await store.upsert(SessionRecord(key: "c\(i)", tenant: "load", user: "u")) }
            }
            try await group.waitForAll()
        }
        #expect(try await store.list(SessionFilter(tenant: "load")).count == 200)
        #expect(try await store.purge(SessionFilter(tenant: "load")) == 200)
        #expect(try await store.remove(tenant: "beta", key: "k1"))
        #expect(try await !store.remove(tenant: "beta", key: "k1"))

        // A corrupt record is skipped and named by list, purge and health; the rest is served.
        _ = try await store.pool.command(["HSET", store.hashKey, "acme:broken", "{not json"])
        _ = try await store.pool.command(["HSET", store.hashKey, "acme:odd", #"["not a session"]"#])
        let listing = try await store.listReporting(SessionFilter(tenant: "acme"))
        #expect(listing.records.map(\.key) == ["k2", "k1"])
        #expect(listing.errors.count == 2 && listing.errors.contains { $0.contains("'acme:broken'") } && listing.errors.contains { $0.contains("'acme:odd'") })
        let health = await store.health()
        #expect(health.ok && health.problems.count == 2 && health.problems.contains { $0.contains("'acme:broken'") })
        let purged = try await store.purgeReporting(SessionFilter(tenant: "acme"))
        #expect(purged.removed == 2 && purged.errors.count == 2, "\(purged)")
        let remaining = try await store.pool.command(["HLEN", store.hashKey])
        #expect(remaining == .integer(2), "the corrupt records are left in place for someone to look at")
        await store.pool.shutdown()
    }

    @Test(.requires(infra: [.redis]), .testEnv(infra: [.redis]), .tags(.server))
    func serverWithRedisBackend() async throws {
        let env = try TestEnv.required()
        // The prefix carries the test's scope token: on a shared Redis another run's corrupt
        // record must not turn this server's /healthz degraded, and the teardown sweep finds it.
        let prefix = "\(env.subjectPrefix):sessions"
        let server = try await ServerHarness.start(env, environment: [
            "GREENTIC_STORES__SESSION__BACKEND": "redis",
            "GREENTIC_STORES__SESSION__REDIS_URL": try env.redisURL(),
            "GREENTIC_STORES__SESSION__REDIS_PREFIX": prefix,
        ])
        let health = try #require(try await server.client.get("/healthz").json)
        #expect(health.value(atPath: "store.backend") == "redis" && health["status"] == "ok")
        _ = try await server.client.post("/sessions", json: ["tenant": "acme", "user": "u1", "key": "k", "flow_id": "menu"])
        let resumed = try await server.client.post("/sessions/resume", json: ["tenant": "acme", "user": "u1"])
        #expect(resumed.status == 200 && resumed.json?["flow"] == "menu")
        #expect(try await server.client.get("/sessions?tenant=acme").json?["count"] == 0)

        // One corrupt record: lists and purges still answer (naming it), /healthz says degraded.
        _ = try await server.client.post("/sessions", json: ["tenant": "acme", "user": "u2", "key": "good"])
        let raw = try RedisSessionStore(url: try env.redisURL(), prefix: prefix)
        _ = try await raw.pool.command(["HSET", raw.hashKey, "acme:broken", "{not json"])
        let list = try await server.client.get("/sessions?tenant=acme")
        #expect(list.status == 200 && list.json?["count"] == 1, "\(list.text)")
        #expect(list.json?.value(atPath: "errors.0")?.stringValue?.contains("'acme:broken'") == true)
        let degraded = try await server.client.get("/healthz")
        #expect(degraded.status == 200 && degraded.json?["status"] == "degraded")
        #expect(degraded.json?.value(atPath: "store.problems.0")?.stringValue?.contains("'acme:broken'") == true)
        let purge = try await server.client.delete("/sessions?tenant=acme")
        #expect(purge.status == 200 && purge.json?["removed"] == 1 && purge.json?["errors"]?.arrayValue?.count == 1, "\(purge.text)")
        await raw.pool.shutdown()
    }

    @Test(.testEnv(), .tags(.server))
    func unreachableRedisIsReportedNotHidden() async throws {
        let env = try TestEnv.required()
        var spec = ServiceSpec.fixtureServer(
            arguments: ["--packs", env.directory.artifacts.path],
            environment: ["XDG_CONFIG_HOME": env.directory.artifacts.path, "GREENTIC_STORES__SESSION__BACKEND": "redis",
                          "GREENTIC_STORES__SESSION__REDIS_URL": "redis://127.0.0.1:9"],
            workingDirectory: env.directory.artifacts)
        spec.readiness = .logLine(#"listening on http://127\.0\.0\.1:(?<port>\d+)"#)
        let process = try await env.start(spec)
        let client = HTTPTestClient(port: Int(process.capture("port") ?? "") ?? 0)
        let health = try await client.get("/healthz")
        #expect(health.status == 503 && health.json?["status"] == "degraded")
        #expect(health.json?.value(atPath: "store.detail")?.stringValue?.contains("failed to connect to redis at 127.0.0.1:9") == true)
        let write = try await client.post("/sessions", json: ["tenant": "acme", "user": "u1"])
        #expect(write.status == 500 && write.errorCode == "store_error")
        #expect(try await client.get("/readyz").status == 503)
    }

    @Test(.requires(infra: [.redis]), .testEnv(infra: [.redis]), .tags(.server, .durability))
    func killDuringUpsertBurstLosesNoAcknowledgedSessionInRedis() async throws {
        let env = try TestEnv.required()
        let redis = ["GREENTIC_STORES__SESSION__BACKEND": "redis", "GREENTIC_STORES__SESSION__REDIS_URL": try env.redisURL()]
        let first = try await ServerHarness.start(env, name: "victim", environment: redis)
        let acked = try await UpsertBurst.acknowledgedUntilKilled(first)
        #expect(acked.count >= 300)
        let second = try await ServerHarness.start(env, name: "restarted", environment: redis)
        let lost = acked.subtracting(try await UpsertBurst.present(second))
        #expect(lost.isEmpty, "\(lost.count) acknowledged session(s) lost, e.g. \(lost.prefix(5))")
    }

    /// `TestEnvOptions.durableRedis` (what `stack up` uses) runs Redis with every write in the
    /// append-only file, fsync'd before the answer: an acknowledged session survives `kill -9` of
    /// Redis. Without it (the default, fast) Redis keeps nothing on disk and the same kill loses it.
    @Test(.requires(infra: [.redis]), .tags(.durability), arguments: [true, false])
    func durableRedisKeepsAnAcknowledgedSessionThroughKill9(durable: Bool) async throws {
        var options = TestEnvOptions()
        options.durableRedis = durable
        options.infraSelection = .native
        try await TestEnv.with(name: "redis-durable-\(durable)", infra: [.redis], options: options) { env in
            let store = try RedisSessionStore(url: try env.redisURL(), prefix: "\(env.subjectPrefix):sessions")
            let items = try await store.pool.command(["CONFIG", "GET", "append*"]).arrayItems.compactMap(\.string)
            let config = Dictionary(zip(stride(from: 0, to: items.count - 1, by: 2).map { items[$0] },
                                        stride(from: 1, to: items.count, by: 2).map { items[$0] })) { a, _ in a }
            #expect(config["appendonly"] == (durable ? "yes" : "no") && (!durable || config["appendfsync"] == "always"), "\(config)")
            _ = try await store.upsert(SessionRecord(key: "k1", tenant: "acme", user: "u1", flowID: "f"))
            await store.pool.shutdown()
            let redis = try #require(env.services.first { $0.name == "redis" })
            let arguments = redis.spec.arguments
            _ = kill(redis.pid, SIGKILL)
            _ = await env.stop(redis)
            // The same data directory and persistence, on a new port.
            let port = try await FreePort.pick()
            var again = redis.spec
            again.name = "redis-again"
            again.arguments = ["--port", "\(port)"] + Array(arguments.dropFirst(2))
            again.readiness = .all([.logLine("Ready to accept connections"), .probe(.redis(host: "127.0.0.1", port: "\(port)"))])
            _ = try await env.start(again)
            let reopened = try RedisSessionStore(url: "redis://127.0.0.1:\(port)", prefix: "\(env.subjectPrefix):sessions")
            let found = try await reopened.find(SessionFilter(tenant: "acme", user: "u1"))
            if durable {
                #expect(found?.key == "k1" && found?.flowID == "f", "the acknowledged session is back after kill -9")
            } else {
                #expect(found == nil, "without durableRedis nothing is on disk (the documented trade-off)")
            }
            await reopened.pool.shutdown()
        }
    }
}
