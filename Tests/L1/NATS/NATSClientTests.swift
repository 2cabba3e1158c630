import Foundation
import GreenticTestKit
import GreenticTestKitTesting
import ScenarioDSL
import TestSupport
import Testing

@Suite("NATS client against a real nats-server", .tags(.nats))
struct NATSClientTests {
    func connect(_ env: TestEnv) async throws -> NATSClient {
        try await NATSClient.connect(url: try env.natsURL())
    }

    @Test(.requires(infra: [.nats]), .testEnv(infra: [.nats]))
    func queueGroupsShareMessagesAndPlainSubscribersGetAll() async throws {
        let env = try TestEnv.required()
        let nats = try await connect(env)
        let subject = "\(env.subjectPrefix).work"
        let a = try await nats.subscribe(subject, queue: "workers")
        let b = try await nats.subscribe(subject, queue: "workers")
        let all = try await nats.subscribe(subject)
        try await nats.flush()
        for i in 0..<20 { try nats.publish(subject, text: "job \(i)") }
        try await nats.flush()
        #expect(a.pendingCount + b.pendingCount == 20)
        #expect(a.pendingCount > 0 && b.pendingCount > 0, "both queue members got work")
        #expect(all.pendingCount == 20)
        await nats.close()
    }

    @Test(.requires(infra: [.nats]), .testEnv(infra: [.nats]))
    func arrivalNumbersOrderMessagesAcrossSubscriptions() async throws {
        let env = try TestEnv.required()
        let nats = try await connect(env)
        env.addTeardown { await nats.close() }
        let a = try await nats.subscribe("\(env.subjectPrefix).a")
        let b = try await nats.subscribe("\(env.subjectPrefix).b")
        try await nats.flush()
        for i in 0..<50 {
            try nats.publish("\(env.subjectPrefix).a", text: "a\(i)")
            try nats.publish("\(env.subjectPrefix).b", text: "b\(i)")
        }
        try await nats.flush()
        // Consumed b first, then a: the stamps still tell the order they came off the socket.
        var seen: [NATSMessage] = []
        for _ in 0..<50 { if let m = await b.next(timeout: .seconds(5)) { seen.append(m) } }
        for _ in 0..<50 { if let m = await a.next(timeout: .seconds(5)) { seen.append(m) } }
        #expect(seen.count == 100)
        let ordered = seen.sorted { $0.arrival < $1.arrival }.map(\.text)
        #expect(ordered == (0..<50).flatMap { ["a\($0)", "b\($0)"] })
        #expect(Set(seen.map(\.arrival)).count == 100, "every arrival number is distinct")
        #expect(seen.allSatisfy { $0.receivedAt != nil })
        let times = seen.sorted { $0.arrival < $1.arrival }.compactMap(\.receivedAt)
        #expect(zip(times, times.dropFirst()).allSatisfy { $0 <= $1 }, "arrival times never go backwards")
    }

    @Test(.requires(infra: [.nats]), .testEnv(infra: [.nats]))
    func requestReplyCarriesHeaders() async throws {
        let env = try TestEnv.required()
        let server = try await connect(env)
        let client = try await connect(env)
        let subject = "\(env.subjectPrefix).echo"
        let responder = try await server.subscribe(subject)
        try await server.flush()
        let task = Task {
            for await m in responder {
                try? server.publish(m.replyTo!, payload: Data("echo:\(m.text)".utf8), headers: ["Echo-Of": m.headers?["X-Id"] ?? "none"])
            }
        }
        let reply = try await client.request(subject, payload: Data("hi".utf8), headers: ["X-Id": "42"], timeout: .seconds(2))
        #expect(reply.text == "echo:hi")
        #expect(reply.headers?["Echo-Of"] == "42")
        task.cancel()
        await server.close()
        await client.close()
    }

    /// Pinned to the native backend: "no responders" is the server saying nobody subscribes,
    /// and on a shared server any wildcard subscriber (a wiretap on `>`) is somebody.
    @Test(.requires(infra: [.nats]), .testEnv(infra: [.nats], backend: .native))
    func requestWithoutRespondersFailsAtOnce() async throws {
        let env = try TestEnv.required()
        let client = try await connect(env)
        let started = ContinuousClock.now
        let outcome: Result<NATSMessage, any Error>
        do { outcome = .success(try await client.request("\(env.subjectPrefix).nobody", timeout: .seconds(5))) } catch { outcome = .failure(error) }
        await client.close()
        switch outcome {
        case .success: Issue.record("a request without responders succeeded")
        case .failure(let error):
            guard case NATSError.noResponders = error else { Issue.record("expected noResponders, got \(error)"); return }
            #expect(ContinuousClock.now - started < .seconds(5), "the server's 503 answers before the request's timeout")
        }
    }

    @Test(.requires(infra: [.nats]), .testEnv(infra: [.nats]))
    func flushOrdersPublishesBeforeIt() async throws {
        let env = try TestEnv.required()
        let pub = try await connect(env)
        let sub = try await connect(env)
        let subject = "\(env.subjectPrefix).ordered"
        let s = try await sub.subscribe(subject)
        try await sub.flush()
        for i in 0..<500 { try pub.publish(subject, text: "\(i)") }
        try await pub.flush()
        try await sub.flush()
        #expect(s.pendingCount == 500, "every publish before a flush is delivered before the barrier")
        var seen: [Int] = []
        for _ in 0..<500 { seen.append(Int(await s.next(timeout: .seconds(1))?.text ?? "") ?? -1) }
        #expect(seen == Array(0..<500))
        await pub.close()
        await sub.close()
    }

    @Test(.requires(infra: [.nats]), .testEnv())
    func payloadOverMaxPayloadIsRefused() async throws {
        let env = try TestEnv.required()
        let config = env.directory.artifacts.appendingPathComponent("nats.conf")
        try Data("max_payload: 1024\n".utf8).write(to: config)
        let server = try await env.start(ServiceSpec(name: "nats-small", executable: "nats-server",
                                                     arguments: ["-c", config.path, "-a", "127.0.0.1", "-p", "-1"], readiness: .natsServer))
        let nats = try await NATSClient.connect(url: "nats://127.0.0.1:\(server.capture("port")!)")
        #expect(nats.maxPayload == 1024)
        await #expect(throws: NATSError.maxPayloadExceeded(size: 1025, max: 1024)) {
            try nats.publish("big", payload: Data(repeating: 1, count: 1025))
        }
        try nats.publish("fits", payload: Data(repeating: 1, count: 1024))
        try await nats.flush()
        #expect(nats.isConnected)
        await nats.close()
    }

    /// A refused connection fails naming the address and leaves nothing behind: the handshake
    /// promise made when the channel was initialised is failed, never leaked (a leaked NIO promise
    /// traps the whole test process in debug builds, after every test has passed).
    @Test func refusedConnectionsFailNamingTheAddress() async throws {
        // A port bound but not listening refuses every connection, and no other process (a
        // parallel test's server) can take it meanwhile, as it could a port picked and freed.
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        #expect(fd >= 0)
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) == 0 && getsockname(fd, $0, &length) == 0 }
        }
        #expect(bound, "binding 127.0.0.1:0 failed: errno \(errno)")
        let port = Int(UInt16(bigEndian: address.sin_port))
        for _ in 0..<20 {
            do {
                let nats = try await NATSClient.connect(url: "nats://127.0.0.1:\(port)", timeout: .seconds(2))
                Issue.record("connected to a port nothing listens on")
                await nats.close()
            } catch {
                #expect("\(error)".contains("127.0.0.1:\(port)"), "\(error)")
            }
        }
    }

    @Test(.requires(infra: [.nats]), .testEnv())
    func reconnectRestoresSubscriptionsAndDeliversBufferedPublishes() async throws {
        let env = try TestEnv.required()
        let port = try await FreePort.pick()
        let spec = ServiceSpec(name: "nats-fixed", executable: "nats-server", arguments: ["-a", "127.0.0.1", "-p", "\(port)"],
                               readiness: .all([.logLine("Server is ready"), .probe(.nats(host: "127.0.0.1", port: "\(port)"))]))
        let first = try await env.start(spec)
        var options = NATSClient.Options()
        options.reconnectWaitMax = .milliseconds(100)
        let url = "nats://127.0.0.1:\(port)"
        let nats = try await NATSClient.connect(url: url, options: options)
        let sub = try await nats.subscribe("restart.test")
        try await nats.flush()
        try nats.publish("restart.test", text: "before")
        #expect(await sub.next(timeout: .seconds(2))?.text == "before")

        await env.stop(first)
        let lost = ContinuousClock.now + .seconds(5)
        while nats.isConnected && ContinuousClock.now < lost { try await Task.sleep(for: .milliseconds(10)) }
        #expect(!nats.isConnected, "the client noticed the server went away")
        try nats.publish("restart.test", text: "while down")
        _ = try await env.start(spec)

        let deadline = ContinuousClock.now + .seconds(5)
        // The reconnect is counted once the restored subscription is confirmed, after the
        // connection is up: wait for the count, not for isConnected.
        while nats.reconnectCount < 1 && ContinuousClock.now < deadline { try await Task.sleep(for: .milliseconds(20)) }
        #expect(nats.isConnected && nats.reconnectCount == 1)
        #expect(await sub.next(timeout: .seconds(2))?.text == "while down", "buffered publish delivered on the restored subscription")
        let other = try await NATSClient.connect(url: url)
        try other.publish("restart.test", text: "after")
        try await other.flush()
        #expect(await sub.next(timeout: .seconds(2))?.text == "after")
        try await nats.flush()
        await other.close()
        await nats.close()
    }

    @Test(.requires(infra: [.nats]), .testEnv(infra: [.nats]))
    func jetStreamPublishAckAndPullFetch() async throws {
        let env = try TestEnv.required()
        let nats = try await connect(env)
        let js = JetStream(client: nats)
        // Scoped names: the stream, its subjects and the consumer are this test's alone, on a
        // shared server too.
        let stream = env.scopedName("ORDERS")
        let subject = "\(env.subjectPrefix).orders"
        let info = try await js.addStream(name: stream, subjects: ["\(subject).>"])
        #expect(info.value(atPath: "config.name") == .string(stream) && stream.hasPrefix("ORDERS_"))
        var acks: [JetStream.PublishAck] = []
        for i in 1...5 { acks.append(try await js.publish("\(subject).new", payload: Data("order \(i)".utf8))) }
        #expect(acks.map(\.sequence) == [1, 2, 3, 4, 5])
        #expect(acks.allSatisfy { $0.stream == stream })
        #expect(try await js.streamInfo(stream).value(atPath: "state.messages") == 5)

        try await js.addPullConsumer(stream: stream, durable: "worker")
        let batch = try await js.fetch(stream: stream, consumer: "worker", batch: 3, expires: .seconds(5))
        #expect(batch.map(\.text) == ["order 1", "order 2", "order 3"])
        for m in batch { try await js.ack(m) }
        try await nats.flush()
        let rest = try await js.fetch(stream: stream, consumer: "worker", batch: 2, expires: .seconds(5))
        #expect(rest.map(\.text) == ["order 4", "order 5"])
        for m in rest { try await js.ack(m) }
        try await nats.flush()
        let none = try await js.fetch(stream: stream, consumer: "worker", batch: 10, expires: .milliseconds(300))
        #expect(none.isEmpty, "everything was acknowledged")
        try await js.deleteStream(stream)
        await #expect(throws: JetStreamError.self) { _ = try await js.streamInfo(stream) }
        await nats.close()
    }
}
