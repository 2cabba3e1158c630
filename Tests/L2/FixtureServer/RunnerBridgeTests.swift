import Foundation
import GreenticTestKit
import GreenticTestKitTesting
import TestSupport
import Testing

/// A small HTTP runner (Python standard library) standing in for a real runner process until
/// the runner simulator exists: answers `/runner/activity` from the payload, fails on request,
/// sleeps on request, and records `/runner/reload` calls.
enum TestRunner {
    static let script = #"""
    import json, sys, time
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

    reloads = []

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args):
            pass

        def answer(self, status, body):
            data = json.dumps(body).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def do_POST(self):
            body = json.loads(self.rfile.read(int(self.headers.get("Content-Length", 0))) or b"null")
            if self.path == "/runner/reload":
                reloads.append(len(body.get("packs", [])))
                print("reload", len(body.get("packs", [])), flush=True)
                return self.answer(200, {"ok": True})
            if self.path != "/runner/activity":
                return self.answer(404, {"error": "no route"})
            payload = body.get("payload") or {}
            if isinstance(payload, dict) and payload.get("fail"):
                return self.answer(500, {"error": "component crashed: " + str(payload["fail"])})
            if isinstance(payload, dict) and payload.get("sleep"):
                time.sleep(float(payload["sleep"]))
            print("activity", body["flow"], flush=True)
            self.answer(200, {"status": "ok", "reply": "runner handled " + body["flow"], "tenant": body.get("tenant"),
                              "user": body.get("user"), "seen_payload": payload})

        def do_GET(self):
            self.answer(200, {"status": "ok", "reloads": reloads})

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    print("runner listening on 127.0.0.1:%d" % server.server_address[1], flush=True)
    server.serve_forever()
    """#

    static func start(_ env: TestEnv) async throws -> (ServiceProcess, String) {
        let file = env.directory.artifacts.appendingPathComponent("test_runner.py")
        try Data(script.utf8).write(to: file)
        let process = try await env.start(ServiceSpec(
            name: "test-runner", executable: "python3", arguments: ["-u", file.path],
            readiness: .all([.logLine(#"runner listening on 127\.0\.0\.1:(?<port>\d+)"#), .http(url: "http://127.0.0.1:${port}/", status: 200)])))
        return (process, "http://127.0.0.1:\(process.capture("port")!)")
    }
}

@Suite("Runner bridge against a real HTTP runner process", .tags(.server))
struct RunnerBridgeTests {
    @Test(.requires(executables: ["python3"]), .testEnv())
    func emitsResumesAndReloadsAreForwardedAndAnswersRecorded() async throws {
        let env = try TestEnv.required()
        let (runner, runnerURL) = try await TestRunner.start(env)
        let server = try await ServerHarness.start(env, environment: ["GREENTIC_RUNNER_URL": runnerURL, "GREENTIC_RUNNER__TIMEOUT_MS": "1000"])
        let c = server.client
        #expect(try await c.get("/healthz").json?["runner"] == JSONValue.string(runnerURL))

        let emitted = try await c.post("/runner/emit", json: ["flow": "repo_assistant_chat", "tenant": "acme", "user": "u1", "payload": ["text": "status?"]])
        #expect(emitted.status == 200)
        #expect(emitted.json?["result"] == ["status": "ok", "reply": "runner handled repo_assistant_chat", "tenant": "acme", "user": "u1", "seen_payload": ["text": "status?"]])

        _ = try await c.post("/sessions", json: ["tenant": "acme", "user": "u2", "flow_id": "menu"])
        let resumed = try await c.post("/sessions/resume", json: ["tenant": "acme", "user": "u2", "payload": ["choice": 1]])
        #expect(resumed.json?.value(atPath: "result.reply") == "runner handled menu")

        let failed = try await c.post("/runner/emit", json: ["flow": "x", "payload": ["fail": "disk full"]])
        #expect(failed.status == 502 && failed.errorCode == "runner_error")
        #expect(failed.json?.value(atPath: "error.message")?.stringValue?.contains("component crashed: disk full") == true)

        _ = try await c.post("/sessions", json: ["tenant": "acme", "user": "u3", "flow_id": "menu"])
        let failedResume = try await c.post("/sessions/resume", json: ["tenant": "acme", "user": "u3", "payload": ["fail": "nope"]])
        #expect(failedResume.status == 502)
        #expect(try await c.get("/sessions?tenant=acme&user=u3").json?["count"] == 1, "a failed resume keeps the session")

        let slow = try await c.post("/runner/emit", json: ["flow": "slow", "payload": ["sleep": 3]])
        #expect(slow.status == 502)
        #expect(slow.json?.value(atPath: "error.message")?.stringValue?.contains("did not answer within") == true)

        let events = try #require(try await c.get("/runner/events").json?.arrayValue)
        #expect(events.map { $0.value(atPath: "result.status")?.stringValue ?? "" } == ["ok", "ok", "error", "error", "error"])

        let reload = try await c.post("/packs/reload")
        #expect(reload.status == 200)
        #expect(runner.logTail(lines: 50).contains("reload 3"))

        await env.stop(runner)
        let down = try await c.post("/runner/emit", json: ["flow": "x"])
        #expect(down.status == 502 && down.json?.value(atPath: "error.message")?.stringValue?.contains("unreachable") == true)
    }
}
