import Foundation
import GreenticTestKit
import GreenticTestKitTesting
import TestSupport
import Testing

@Suite("Service supervisor: readiness, failures, stopping", .tags(.services))
struct ServiceSupervisorTests {
    @Test(.requires(executables: ["python3"]), .testEnv())
    func logLineCaptureThenHTTPReadiness() async throws {
        let env = try TestEnv.required()
        let spec = ServiceSpec(
            name: "http", executable: "python3",
            arguments: ["-u", "-m", "http.server", "0", "--bind", "127.0.0.1", "--directory", env.directory.artifacts.path],
            readiness: .all([
                .logLine(#"Serving HTTP on 127\.0\.0\.1 port (?<port>\d+)"#),
                .tcp(host: "127.0.0.1", port: "${port}"),
                .http(url: "http://127.0.0.1:${port}/", status: 200),
            ]),
            readinessTimeout: .seconds(10))
        let service = try await env.start(spec)
        let port = try #require(service.capture("port").flatMap(Int.init))
        #expect(port > 0)
        #expect(service.isRunning)
        let log = try String(contentsOf: env.directory.logs.appendingPathComponent("http.log"), encoding: .utf8)
        #expect(log.contains("Serving HTTP"))
        let status = await env.stop(service)
        #expect(status != .exited(-1))
        #expect(!service.isRunning)
    }

    @Test(.testEnv())
    func serviceThatExitsDuringStartupFailsFastWithItsLogTail() async throws {
        let env = try TestEnv.required()
        let exitStamp = env.directory.artifacts.appendingPathComponent("exit-stamp")
        let spec = ServiceSpec(
            name: "crashy", executable: "/bin/sh",
            arguments: ["-c", "echo 'loading config'; echo 'fatal: port already taken' >&2; date +%s%N > '\(exitStamp.path)'; exit 3"],
            readiness: .logLine("never printed"), readinessTimeout: .seconds(30))
        let started = ContinuousClock.now
        do {
            try await env.start(spec)
            Issue.record("start did not fail")
        } catch let error as ServiceError {
            // The readiness timeout is 30 s: the start must fail when the process ends, not when the
            // timeout runs out. Alone this takes milliseconds; with every test running in parallel
            // on two cores it has taken seconds, so the bound is a third of the timeout (a speed
            // figure belongs in a benchmark, not here).
            let failedAt = Date()
            #expect(ContinuousClock.now - started < .seconds(12), "took \(ContinuousClock.now - started)")
            let stamp = try String(contentsOf: exitStamp, encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)
            let exited = Date(timeIntervalSince1970: (Double(stamp) ?? 0) / 1e9)
            #expect(failedAt.timeIntervalSince(exited) < 10, "failed \(failedAt.timeIntervalSince(exited)) s after the exit")
            if failedAt.timeIntervalSince(exited) >= 1 {
                HarnessLogger.shared.notice("fail-fast took \(failedAt.timeIntervalSince(exited)) s after the exit (machine under load)")
            }
            guard case .exitedDuringStartup(let name, let status, _, let tail) = error else {
                Issue.record("unexpected error \(error)")
                return
            }
            #expect(name == "crashy")
            #expect(status == .exited(3))
            #expect(tail.contains("fatal: port already taken"))
            #expect("\(error)".contains("exited with status 3 while starting"))
        }
    }

    @Test(.testEnv())
    func serviceIgnoringSIGTERMIsKilledAfterGrace() async throws {
        let env = try TestEnv.required()
        let spec = ServiceSpec(
            name: "stubborn", executable: "/bin/sh",
            arguments: ["-c", "trap '' TERM; echo ready; while true; do sleep 0.05; done"],
            readiness: .logLine("^ready$"), stopGrace: .milliseconds(300))
        let service = try await env.start(spec)
        let started = ContinuousClock.now
        let status = await env.stop(service)
        let elapsed = ContinuousClock.now - started
        #expect(status == .signalled(SIGKILL))
        // At least the grace period; the upper bound only says it did not hang (loaded machine).
        #expect(elapsed >= .milliseconds(300) && elapsed < .seconds(10), "stop took \(elapsed)")
        #expect(ProcessProbe.pids(commandContaining: "trap '' TERM; echo ready").isEmpty)
    }

    /// Ready once a child with this argv runs: "started" is printed after the fork, but the
    /// child may not have exec'd `sleep` yet when the line is read.
    struct ChildRunning: ReadinessCheck {
        let argv: [String]
        var description: String { "a child running \(argv.joined(separator: " "))" }
        func attempt(captures: [String: String]) async throws {
            guard !ProcessProbe.pids(argv: argv).isEmpty else { throw CocoaError(.executableNotLoadable) }
        }
    }

    @Test(.testEnv())
    func wholeProcessGroupIsStopped() async throws {
        let env = try TestEnv.required()
        let marker = "300.\(UInt32.random(in: 100_000...999_999))"
        let spec = ServiceSpec(
            name: "parent", executable: "/bin/sh",
            arguments: ["-c", "sleep \(marker) & echo started; wait"],
            readiness: .all([.logLine("started"), .custom(ChildRunning(argv: ["sleep", marker]))]))
        let service = try await env.start(spec)
        let children = ProcessProbe.pids(argv: ["sleep", marker])
        #expect(children.count == 1)
        await env.stop(service)
        for pid in children { #expect(await ProcessProbe.waitGone(pid)) }
    }

    @Test(.testEnv())
    func readinessTimeoutNamesLastError() async throws {
        let env = try TestEnv.required()
        let spec = ServiceSpec(name: "silent", executable: "/bin/sh", arguments: ["-c", "sleep 30"],
                               readiness: .logLine("ready"), readinessTimeout: .milliseconds(300))
        do {
            try await env.start(spec)
            Issue.record("start did not time out")
        } catch let error as ServiceError {
            #expect("\(error)".contains("not ready after"))
            #expect("\(error)".contains("no log line matched /ready/"))
        }
        #expect(ProcessProbe.pids(commandContaining: "sleep 30").allSatisfy { pid in
            ProcessProbe.isGone(pid) || !env.services.contains { $0.pid == pid }
        })
    }

    /// A check of the user's own: ready when the file the service creates exists; its
    /// description and last error are in the timeout, with URL secrets redacted.
    struct FileAppears: ReadinessCheck {
        let path: String
        var description: String { "the file \(URL(fileURLWithPath: path).lastPathComponent)" }
        func attempt(captures: [String: String]) async throws {
            guard FileManager.default.fileExists(atPath: path) else { throw CocoaError(.fileNoSuchFile, userInfo: [NSFilePathErrorKey: path]) }
        }
    }

    @Test(.testEnv())
    func aUsersOwnReadinessCheckIsWaitedForAndNamedInTheTimeout() async throws {
        let env = try TestEnv.required()
        let file = env.directory.artifacts.appendingPathComponent("ready.flag").path
        let ready = ServiceSpec(name: "writer", executable: "/bin/sh", arguments: ["-c", "echo started; sleep 0.2; touch '\(file)'; sleep 30"],
                                readiness: .all([.logLine("started"), .custom(FileAppears(path: file))]))
        let service = try await env.start(ready)
        #expect(FileManager.default.fileExists(atPath: file), "ready before the service wrote its file")
        await env.stop(service)

        let never = ServiceSpec(name: "idle", executable: "/bin/sh", arguments: ["-c", "sleep 30"],
                                readiness: .any([.custom(FileAppears(path: "/nonexistent/never.flag")),
                                                 .http(url: "http://u:hunter2@127.0.0.1:9/x?token=s3cret&q=1", status: 200)]),
                                readinessTimeout: .milliseconds(300))
        do {
            try await env.start(never)
            Issue.record("start did not time out")
        } catch let error as ServiceError {
            let text = "\(error)"
            #expect(text.contains("waiting for any of [the file never.flag; HTTP 200 from GET http://u:***@127.0.0.1:9/x?token=***&q=1]"), "\(text)")
            #expect(!text.contains("hunter2") && !text.contains("s3cret"), "\(text)")
        }
        let timeline = try String(contentsOf: env.directory.timelineFile, encoding: .utf8)
        #expect(timeline.contains("the file ready.flag]") && !timeline.contains("hunter2"), "\(timeline.suffix(2000))")
    }

    @Test(.testEnv())
    func missingExecutableAndDuplicateNamesAreClearErrors() async throws {
        let env = try TestEnv.required()
        do {
            try await env.start(ServiceSpec(name: "ghost", executable: "definitely-not-installed-xyz"))
            Issue.record("missing executable accepted")
        } catch let error as ServiceError {
            #expect("\(error)".contains("executable 'definitely-not-installed-xyz' not found"))
        }
        let spec = ServiceSpec(name: "twice", executable: "/bin/sh", arguments: ["-c", "echo up; sleep 30"], readiness: .logLine("up"))
        try await env.start(spec)
        await #expect(throws: ServiceError.self) { try await env.start(spec) }
    }
}

@Suite("Restarted services", .tags(.services))
struct RestartedServiceTests {
    @Test(.testEnv())
    func readinessOnlyCountsTheNewProcessOutput() async throws {
        let env = try TestEnv.required()
        let flag = env.directory.artifacts.appendingPathComponent("go")
        let spec = ServiceSpec(name: "slow-second", executable: "/bin/sh",
                               arguments: ["-c", "while [ ! -f '\(flag.path)' ] && [ -f '\(flag.path).first' ]; do sleep 0.05; done; touch '\(flag.path).first'; echo ready; sleep 30"],
                               readiness: .logLine("^ready$"), readinessTimeout: .seconds(10))
        let first = try await env.start(spec)
        await env.stop(first)
        // The log already holds "ready"; the second process prints it only once the flag exists.
        let started = ContinuousClock.now
        Task {
            try? await Task.sleep(for: .milliseconds(300))
            FileManager.default.createFile(atPath: flag.path, contents: nil)
        }
        _ = try await env.start(spec)
        #expect(ContinuousClock.now - started >= .milliseconds(300), "readiness matched the previous process's line")
    }
}

@Suite("Short-lived services", .tags(.services))
struct ShortLivedServiceTests {
    @Test(.testEnv(), arguments: 0..<5)
    func aReadyLineJustBeforeExitCountsAsReady(_ run: Int) async throws {
        let env = try TestEnv.required()
        let process = try await env.start(ServiceSpec(name: "quick-\(run)", executable: "/bin/sh", arguments: ["-c", "echo up; exit 0"],
                                                      readiness: .logLine("^up$")))
        #expect(await process.waitForExit() == .exited(0))
    }
}
