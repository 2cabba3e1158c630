import Foundation
import GreenticTestKit
import GreenticTestKitTesting
import ScenarioDSL
import TestSupport
import Testing

/// Whether `python3` can import nats-py.
let natsPyAvailable: Bool = {
    guard let python = ExecutableLocator.find("python3") else { return false }
    let p = Process()
    p.executableURL = URL(fileURLWithPath: python)
    p.arguments = ["-c", "import nats"]
    p.standardOutput = FileHandle.nullDevice
    p.standardError = FileHandle.nullDevice
    do { try p.run() } catch { return false }
    p.waitUntilExit()
    return p.terminationStatus == 0
}()

@Suite("Interop with the Python client nats-py", .tags(.nats))
struct NATSPyInteropTests {
    static let peer = #"""
    import asyncio, json, sys
    import nats

    async def main(url, prefix):
        nc = await nats.connect(url)

        async def echo(msg):
            await nc.publish(msg.reply, b"py:" + msg.data, headers={"X-Py": "yes", "Echo-Of": (msg.headers or {}).get("X-Id", "")})

        got = asyncio.get_running_loop().create_future()

        async def inbound(msg):
            if not got.done():
                got.set_result(msg)

        await nc.subscribe(prefix + ".pyecho", cb=echo)
        await nc.subscribe(prefix + ".topy", cb=inbound)
        await nc.flush()
        print("peer ready", flush=True)
        msg = await asyncio.wait_for(got, 20)
        await nc.publish(prefix + ".frompy", json.dumps({"data": msg.data.decode(), "headers": msg.headers}).encode(),
                         headers={"X-From": "python"})
        reply = await nc.request(prefix + ".swiftecho", b"ping", timeout=5)
        await nc.publish(prefix + ".frompy", json.dumps({"reply": reply.data.decode()}).encode())
        await nc.flush()
        await nc.drain()

    asyncio.run(main(sys.argv[1], sys.argv[2]))
    """#

    @Test(.requires(infra: [.nats]), .enabled(if: natsPyAvailable || StrictMode.isStrict(ProcessInfo.processInfo.environment),
                                             "missing prerequisite: nats-py (python3 -m pip install nats-py)"),
          .testEnv(infra: [.nats]))
    func messagesHeadersAndRequestsBothWays() async throws {
        let env = try TestEnv.required()
        let p = env.subjectPrefix
        let nats = try await NATSClient.connect(url: try env.natsURL())
        let fromPy = try await nats.subscribe("\(p).frompy")
        let swiftEcho = try await nats.subscribe("\(p).swiftecho")
        try await nats.flush()
        let responder = Task {
            for await m in swiftEcho { try? nats.publish(m.replyTo!, text: "swift:\(m.text)") }
        }
        defer { responder.cancel() }
        let script = env.directory.artifacts.appendingPathComponent("peer.py")
        try Data(Self.peer.utf8).write(to: script)
        let peer = try await env.start(ServiceSpec(name: "nats-py", executable: "python3", arguments: ["-u", script.path, try env.natsURL(), p],
                                                   readiness: .logLine("peer ready"), readinessTimeout: .seconds(20)))

        let reply = try await nats.request("\(p).pyecho", payload: Data("hello".utf8), headers: ["X-Id": "7"], timeout: .seconds(5))
        #expect(reply.text == "py:hello")
        #expect(reply.headers?["X-Py"] == "yes" && reply.headers?["Echo-Of"] == "7")

        try nats.publish("\(p).topy", text: "from swift", headers: ["X-Id": "8", "Greentic-Tenant": "acme"])
        let first = try #require(await fromPy.next(timeout: .seconds(5)))
        #expect(first.headers?["X-From"] == "python")
        let seen = try JSONValue.parse(first.payload)
        #expect(seen["data"] == "from swift")
        #expect(seen.value(atPath: "headers.X-Id") == "8" && seen.value(atPath: "headers.Greentic-Tenant") == "acme")
        let second = try #require(await fromPy.next(timeout: .seconds(5)))
        #expect(try JSONValue.parse(second.payload) == ["reply": "swift:ping"])
        #expect(await peer.waitForExit(timeout: .seconds(5)) == .exited(0), "\(peer.logTail())")
        await nats.close()
    }
}
