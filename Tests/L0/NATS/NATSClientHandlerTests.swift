import Foundation
import NIOCore
import NIOEmbedded
import ScenarioDSL
import Synchronization
import TestSupport
import Testing

/// The client against an in-memory channel: the test is the server, byte by byte.
@Suite("NATS client handler on an in-memory channel", .timeLimit(.minutes(1)))
struct NATSClientHandlerTests {
    let server = NATSTestServer()

    /// Writes `frame` split at `cut` as two reads.
    func feed(_ channel: NIOAsyncTestingChannel, _ frame: [UInt8], splitAt cut: Int) async throws {
        if cut > 0 { try await channel.writeInbound(ByteBuffer(bytes: frame[..<cut])) }
        if cut < frame.count { try await channel.writeInbound(ByteBuffer(bytes: frame[cut...])) }
    }

    @Test func handshakeSendsConnectAfterInfoAndCompletesOnPong() async throws {
        var options = NATSClient.Options()
        options.name = "handler-test"
        let (client, _, connect) = try await server.connect(options: options)
        #expect(connect.hasPrefix("CONNECT {"))
        #expect(connect.hasSuffix("}\r\nPING\r\n"))
        #expect(connect.contains(#""name":"handler-test""#) && connect.contains(#""headers":true"#))
        #expect(client.isConnected && client.serverInfo["server_id"] == "test")
        await client.close()
    }

    @Test func everyFrameKindSplitAtEveryByteBoundary() async throws {
        let (client, channel, _) = try await server.connect()
        let plain = try await client.subscribe("a.b")
        let observed = Observed()
        let tap = try await client.tap("t.>") { observed.add($0) }
        _ = try await NATSTestServer.written(channel, until: "SUB t.> \(tap.sid)\r\n")

        let frames: [(name: String, bytes: String, check: @Sendable () async throws -> Void)] = [
            ("MSG", "MSG a.b \(plain.sid) 5\r\nhello\r\n", {
                let m = await plain.next(timeout: .seconds(2))
                #expect(m?.text == "hello" && m?.subject == "a.b" && m?.replyTo == nil)
            }),
            ("MSG with reply", "MSG a.b \(plain.sid) r.1 3\r\nabc\r\n", {
                let m = await plain.next(timeout: .seconds(2))
                #expect(m?.text == "abc" && m?.replyTo == "r.1")
            }),
            ("empty MSG", "MSG a.b \(plain.sid) 0\r\n\r\n", {
                let m = await plain.next(timeout: .seconds(2))
                #expect(m?.payload.isEmpty == true)
            }),
            ("HMSG", "HMSG a.b \(plain.sid) r.2 21 23\r\nNATS/1.0\r\nX-Id: 7\r\n\r\nok\r\n", {
                let m = await plain.next(timeout: .seconds(2))
                #expect(m?.text == "ok" && m?.headers?["X-Id"] == "7" && m?.replyTo == "r.2")
            }),
            ("MSG to a tap", "MSG t.x \(tap.sid) 1\r\nz\r\n", {
                #expect(observed.take().map(\.text) == ["z"])
            }),
            ("PING", "PING\r\n", {
                let answer = try await NATSTestServer.written(channel)
                #expect(answer == "PONG\r\n")
            }),
            ("+OK", "+OK\r\n", { #expect(client.isConnected) }),
            ("-ERR permissions", "-ERR 'Permissions Violation for Publish to \"x\"'\r\n", {
                #expect(client.lastServerError == "Permissions Violation for Publish to \"x\"")
                #expect(client.isConnected, "a permissions error leaves the connection open")
            }),
            ("INFO update", #"INFO {"server_id":"test","max_payload":2048}"# + "\r\n", {
                #expect(client.maxPayload == 2048)
            }),
        ]
        for frame in frames {
            let bytes = Array(frame.bytes.utf8)
            for cut in 0...bytes.count {
                try await feed(channel, bytes, splitAt: cut)
                try await frame.check()
            }
        }
        // Every frame kind back to back in one read, then split everywhere: nothing lost or reordered.
        let all = Array(frames.filter { $0.name.hasPrefix("MSG") }.map(\.bytes).joined().utf8)
        for cut in stride(from: 0, through: all.count, by: 3) {
            try await feed(channel, all, splitAt: cut)
            let texts = [await plain.next(timeout: .seconds(2))?.text, await plain.next(timeout: .seconds(2))?.text]
            #expect(texts == ["hello", "abc"])
            #expect(observed.take().map(\.text) == ["z"])
        }
        #expect(plain.pendingCount == 0)
        await client.close()
    }

    @Test func pongSplitAtEveryBoundaryCompletesAFlush() async throws {
        let (client, channel, _) = try await server.connect()
        let pong = Array("PONG\r\n".utf8)
        for cut in 0...pong.count {
            async let flushed: Void = client.flush(timeout: .seconds(2))
            #expect(try await NATSTestServer.written(channel) == "PING\r\n")
            try await feed(channel, pong, splitAt: cut)
            try await flushed
        }
        await client.close()
    }

    @Test func requestReplyAndNoRespondersSplitAtEveryBoundary() async throws {
        let (client, channel, _) = try await server.connect()
        var muxSid: UInt64?
        /// Sends a request's reply frame once the client has published it; returns the inbox.
        func published(_ subject: String) async throws -> String {
            let out = try await NATSTestServer.written(channel, until: "PUB \(subject) ")
            if let line = out.split(separator: "\r\n").first(where: { $0.hasPrefix("SUB _INBOX.") }) {
                muxSid = UInt64(line.split(separator: " ")[2])
            }
            let pub = try #require(out.split(separator: "\r\n").first { $0.hasPrefix("PUB \(subject) ") })
            return String(pub.split(separator: " ")[2])
        }
        let reply = Array("MSG INBOX SID 4\r\npong\r\n".utf8).count
        for cut in 0...(reply + 30) {
            async let answer = client.request("svc.echo", payload: Data("hi".utf8), timeout: .seconds(2))
            let inbox = try await published("svc.echo")
            let sid = try #require(muxSid, "the first request subscribes the mux")
            let frame = Array("MSG \(inbox) \(sid) 4\r\npong\r\n".utf8)
            try await feed(channel, frame, splitAt: min(cut, frame.count))
            #expect(try await answer.text == "pong")
        }
        let missing = Task { try await client.request("svc.none", timeout: .seconds(2)) }
        let inbox = try await published("svc.none")
        let status = "NATS/1.0 503\r\n\r\n"
        try await channel.writeInbound(ByteBuffer(string: "HMSG \(inbox) \(muxSid!) \(status.utf8.count) \(status.utf8.count)\r\n\(status)\r\n"))
        await #expect(throws: NATSError.noResponders(subject: inbox)) { try await missing.value }
        // A late or unknown reply is dropped, and nothing is left waiting.
        try await channel.writeInbound(ByteBuffer(string: "MSG \(inbox) \(muxSid!) 1\r\nx\r\n"))
        #expect(client.isConnected)
        await client.close()
    }

    /// The frames the client wrote, one per line, until `marker` has appeared.
    func lines(_ channel: NIOAsyncTestingChannel, until marker: String) async throws -> [Substring] {
        try await NATSTestServer.written(channel, until: marker).split(separator: "\r\n")
    }

    /// A complete wiretap receives every reply, so the inbox's own subscription would only make the
    /// server send each one twice: it is held only while no tap covers it, and a reply is taken on
    /// whichever subscription it arrives, so none in flight while the inbox changes hands is lost.
    @Test func aTapCoveringTheInboxTakesItsRepliesOverAndHandsThemBack() async throws {
        let (client, channel, _) = try await server.connect()
        let observed = Observed()
        /// Publishes a request, answers it on `sid`, and checks it resumed with that answer.
        func exchange(_ subject: String, replyingOn sid: @escaping ([Substring]) throws -> UInt64, before: (() async throws -> [Substring])? = nil) async throws -> [Substring] {
            async let answer = client.request(subject, payload: Data("q".utf8), timeout: .seconds(2))
            var out = try await lines(channel, until: "PUB \(subject) ")
            if let before { out += try await before() }
            let pub = try #require(out.first { $0.hasPrefix("PUB \(subject) ") })
            let inbox = pub.split(separator: " ")[2]
            try await channel.writeInbound(ByteBuffer(string: "MSG \(inbox) \(try sid(out)) 1\r\na\r\n"))
            #expect(try await answer.text == "a", "the reply resumes its request")
            return out
        }
        // A plain subscription does not count as cover: its consumer may fall behind and drop.
        _ = try await client.subscribe(">")
        var out = try await exchange("svc.a", replyingOn: { out in
            let sub = try #require(out.first { $0.hasPrefix("SUB _INBOX.") }, "no tap yet: the inbox subscribes")
            return UInt64(sub.split(separator: " ")[2])!
        })
        let own = UInt64(try #require(out.first { $0.hasPrefix("SUB _INBOX.") }).split(separator: " ")[2])!

        // A tap on `>` arrives: its SUB, then the inbox's UNSUB, and a reply still in flight on
        // the old sid is taken.
        let tap = try await client.tap(">") { observed.add($0) }
        out = try await lines(channel, until: "UNSUB \(own)\r\n")
        #expect(out == ["SUB > \(tap.sid)", "UNSUB \(own)"])
        out = try await exchange("svc.b", replyingOn: { _ in own })
        #expect(!out.contains { $0.hasPrefix("SUB ") }, "covered: no subscription of its own")
        out = try await exchange("svc.c", replyingOn: { _ in tap.sid })
        #expect(observed.take().map(\.text) == ["a"], "the tap records the reply it delivered")

        // The tap ends while a request waits: the inbox subscribes again before the tap's UNSUB,
        // and the reply the server had already routed to the tap is not lost.
        var resubscribed: UInt64 = 0
        out = try await exchange("svc.d", replyingOn: { _ in tap.sid }, before: {
            try await tap.unsubscribe()
            let change = try await lines(channel, until: "UNSUB \(tap.sid)\r\n")
            resubscribed = UInt64(try #require(change.first { $0.hasPrefix("SUB _INBOX.") }).split(separator: " ")[2])!
            #expect(change.map { $0.split(separator: " ")[0] } == ["SUB", "UNSUB"], "SUB before UNSUB")
            return change
        })
        out = try await exchange("svc.e", replyingOn: { _ in resubscribed })
        #expect(!out.contains { $0.hasPrefix("SUB ") })

        // After a reconnect the covering tap is restored and the inbox is not subscribed twice.
        let cover = try await client.tap("_INBOX.>") { _ in }
        _ = try await lines(channel, until: "UNSUB \(resubscribed)\r\n")
        #expect(client.dropConnection())
        let second = try await server.nextChannel()
        let restored = try await server.reconnected(second).split(separator: "\r\n").map(String.init)
        #expect(try await eventually { client.reconnectCount == 1 })
        #expect(restored.contains("SUB _INBOX.> \(cover.sid)") && !restored.contains { $0.hasPrefix("SUB _INBOX.") && $0.hasSuffix(".* \(resubscribed)") })
        await client.close()
    }

    /// A server list: the first server that answers is used; a lost connection moves to the
    /// next server round the list; when none answers, the error names every server.
    @Test func aServerListConnectsToTheFirstThatAnswersAndFailsOverToTheNext() async throws {
        let connector = server.connector
        connector.refused.withLock { $0 = [4001] }
        let options = {
            var options = NATSClient.Options()
            options.reconnectWaitMin = .milliseconds(1)
            return options
        }()
        async let connecting = NATSClient.connect(url: "nats://127.0.0.1:4001, nats://127.0.0.1:4002", options: options,
                                                  connector: connector, environment: [:])
        let first = try await server.nextChannel()
        _ = try await server.handshake(first)
        let client = try await connecting
        #expect(connector.ports == [4001, 4002])
        #expect(client.connectedURL == "nats://127.0.0.1:4002" && client.url == "nats://127.0.0.1:4001,nats://127.0.0.1:4002")

        connector.refused.withLock { $0 = [] }
        #expect(client.dropConnection())
        let second = try await server.nextChannel()
        _ = try await server.reconnected(second)
        #expect(try await eventually { client.isConnected && client.reconnectCount == 1 })
        #expect(connector.ports == [4001, 4002, 4001], "the next server after the lost one")
        #expect(client.connectedURL == "nats://127.0.0.1:4001")
        await client.close()

        connector.refused.withLock { $0 = [4001, 4002] }
        do {
            _ = try await NATSClient.connect(url: "nats://127.0.0.1:4001,nats://127.0.0.1:4002", options: options, connector: connector, environment: [:])
            Issue.record("connected with every server down")
        } catch let error as NATSError {
            #expect("\(error)".contains("no server of nats://127.0.0.1:4001,nats://127.0.0.1:4002 answered"), "\(error)")
            #expect("\(error)".contains("4001") && "\(error)".contains("4002"))
        }
        for bad in ["nats://127.0.0.1:1,,nats://127.0.0.1:2", "nats://127.0.0.1:1,http://x:2", ""] {
            await #expect(throws: NATSError.self) { _ = try await NATSClient.connect(url: bad, options: options, connector: connector, environment: [:]) }
        }
    }

    @Test func aMessageBeforeInfoIsAProtocolViolation() async throws {
        let connector = server.connector
        let client = Task { try await NATSClient.connect(url: "nats://127.0.0.1:4222", options: NATSClient.Options(), connector: connector, environment: [:]) }
        let channel = try await server.nextChannel()
        try await channel.writeInbound(ByteBuffer(string: "MSG a 1 2\r\nhi\r\n"))
        await #expect(throws: NATSError.protocolViolation("expected INFO first, got MSG")) { try await client.value }
        #expect(!channel.isActive, "the connection is closed")
    }

    @Test func refusedCredentialNamesTheMethod() async throws {
        var options = NATSClient.Options()
        options.auth = .userPassword(user: "svc", password: "wrong-secret")
        async let client = NATSClient.connect(url: "nats://127.0.0.1:4222", options: options, connector: server.connector, environment: [:])
        let channel = try await server.nextChannel()
        try await channel.writeInbound(ByteBuffer(string: #"INFO {"auth_required":true}"# + "\r\n"))
        let connect = try await NATSTestServer.written(channel)
        #expect(connect.contains(#""user":"svc""#) && connect.contains(#""pass":"wrong-secret""#))
        try await channel.writeInbound(ByteBuffer(string: "-ERR 'Authorization Violation'\r\n"))
        do {
            _ = try await client
            Issue.record("a refused credential connected")
        } catch let error as NATSError {
            guard case .authenticationFailed(let method, let reason) = error else { Issue.record("got \(error)"); return }
            #expect(method == "user/password")
            #expect(reason.contains("Authorization Violation") && !reason.contains("wrong-secret"))
        }
    }

    @Test func anOperationIssuedBeforeTheNewConnectionsInfoWaitsForTheHandshake() async throws {
        let (client, first, _) = try await server.connect()
        let sub = try await client.subscribe("orders.>")
        _ = try await NATSTestServer.written(first, until: "SUB orders.> \(sub.sid)")
        try await first.close()
        let second = try await server.nextChannel()
        try client.publish("orders.new", text: "while reconnecting")
        #expect(try await second.readOutbound(as: ByteBuffer.self) == nil, "nothing is written before the server's INFO")
        try await second.writeInbound(ByteBuffer(string: NATSTestServer.info))
        let connect = try await NATSTestServer.written(second)
        #expect(connect.hasPrefix("CONNECT ") && !connect.contains("PUB"), "the publish waits for the handshake")
        try await second.writeInbound(ByteBuffer(string: "PONG\r\n"))
        let restored = try await NATSTestServer.written(second, until: "PING\r\n")
        #expect(restored == "SUB orders.> \(sub.sid)\r\nPUB orders.new 18\r\nwhile reconnecting\r\nPING\r\n",
                "subscriptions are restored before buffered publishes, then a PING confirms them")
        #expect(client.reconnectCount == 0, "not counted before the server confirmed the subscriptions")
        try await second.writeInbound(ByteBuffer(string: "PONG\r\n"))
        #expect(try await eventually { client.reconnectCount == 1 })
        await client.close()
    }

    @Test func aCloseRacingInFlightRequestsResumesEachExactlyOnce() async throws {
        for round in 0..<50 {
            let (client, channel, _) = try await server.connect()
            let requests = (0..<8).map { i in
                Task { try await client.request("svc.\(i)", timeout: .seconds(5)) }
            }
            let out = try await NATSTestServer.written(channel, until: round % 2 == 0 ? "PUB svc." : "SUB _INBOX.")
            let sid = try #require(out.split(separator: "\r\n").first { $0.hasPrefix("SUB _INBOX.") }.map { UInt64($0.split(separator: " ")[2])! })
            // Replies for whatever was published so far race the close.
            let inboxes = out.split(separator: "\r\n").filter { $0.hasPrefix("PUB svc.") }.map { String($0.split(separator: " ")[2]) }
            async let replies: Void = { for inbox in inboxes { try? await channel.writeInbound(ByteBuffer(string: "MSG \(inbox) \(sid) 2\r\nok\r\n")) } }()
            await client.close()
            await replies
            var answered = 0, closed = 0
            for request in requests {
                do {
                    _ = try await request.value
                    answered += 1
                } catch NATSError.closed {
                    closed += 1
                }
            }
            #expect(answered + closed == 8, "every request ended once, with a reply or .closed")
            await #expect(throws: NATSError.closed) { try await client.request("svc.after", timeout: .seconds(1)) }
            #expect(throws: NATSError.closed) { try client.publish("after.close", text: "x") }
        }
    }

    @Test func readsAfterAFatalErrorAreDropped() async throws {
        let (client, channel, _) = try await server.connect()
        let sub = try await client.subscribe("a")
        let flushed = Task { try await client.flush(timeout: .seconds(5)) }
        _ = try await NATSTestServer.written(channel, until: "PING")
        try await channel.writeInbound(ByteBuffer(string: "-ERR 'Stale Connection'\r\nMSG a \(sub.sid) 4\r\nlate\r\n"))
        await #expect(throws: NATSError.serverError("Stale Connection")) { try await flushed.value }
        #expect(client.isClosed && client.lastServerError == "Stale Connection")
        var seen: [String] = []
        for await m in sub { seen.append(m.text) }
        #expect(seen.isEmpty, "the subscription ended without the message that came after the error")
    }

    @Test func racingConnectionLossesStartOneReconnect() async throws {
        let (client, first, _) = try await server.connect()
        await withTaskGroup(of: Void.self) { group in
            for _ in 0..<16 { group.addTask { client.dropConnection() } }
            group.addTask { try? await first.close() }
        }
        let second = try await server.nextChannel()
        _ = try await server.reconnected(second)
        #expect(try await eventually { client.reconnectCount == 1 })
        async let flushed: Void = client.flush(timeout: .seconds(2))
        _ = try await NATSTestServer.written(second, until: "PING")
        try await second.writeInbound(ByteBuffer(string: "PONG\r\n"))
        try await flushed
        #expect(client.reconnectCount == 1)
        #expect(server.connector.attempts == 2, "one connection lost, one reconnect")
        #expect(client.dropConnection() && !client.isClosed)
        let third = try await server.nextChannel()
        _ = try await server.reconnected(third)
        #expect(try await eventually { client.reconnectCount == 2 })
        async let settled: Void = client.flush(timeout: .seconds(2))
        _ = try await NATSTestServer.written(third, until: "PING")
        try await third.writeInbound(ByteBuffer(string: "PONG\r\n"))
        try await settled
        #expect(client.reconnectCount == 2 && server.connector.attempts == 3)
        await client.close()
    }

    /// A flush whose PONG does not come fails at its deadline, and the late PONG answering its
    /// PING is not taken for the next flush's.
    @Test func aFlushWithoutPongTimesOutAndItsLatePongIsNotTheNextOnes() async throws {
        let (client, channel, _) = try await server.connect()
        await #expect(throws: NATSError.self) { try await client.flush(timeout: .milliseconds(50)) }
        _ = try await NATSTestServer.written(channel, until: "PING")
        let next = Task { try await client.flush(timeout: .seconds(5)) }
        _ = try await NATSTestServer.written(channel, until: "PING")
        // The late PONG answers the timed-out PING; the next flush still waits for its own, so
        // closing now fails it instead of it having succeeded.
        try await channel.writeInbound(ByteBuffer(string: "PONG\r\n"))
        await client.close()
        await #expect(throws: NATSError.closed) { try await next.value }
    }

    @Test func slowConsumerDropsBeyondItsPendingLimitsAndCountsThem() async throws {
        var options = NATSClient.Options()
        options.pendingLimits = .init(messages: 3, bytes: 1_000)
        let (client, channel, _) = try await server.connect(options: options)
        let sub = try await client.subscribe("s")
        let frames = (0..<5).map { "MSG s \(sub.sid) 2\r\nm\($0)\r\n" }.joined()
        try await channel.writeInbound(ByteBuffer(string: frames))
        #expect(sub.pendingCount == 3 && sub.droppedCount == 2)
        #expect(await sub.next(timeout: .seconds(1))?.text == "m0")
        try await channel.writeInbound(ByteBuffer(string: "MSG s \(sub.sid) 2\r\nm5\r\n"))
        #expect(sub.pendingCount == 3 && sub.droppedCount == 2, "room made by consuming is used again")
        let big = String(repeating: "x", count: 999)
        try await channel.writeInbound(ByteBuffer(string: "MSG s \(sub.sid) 999\r\n\(big)\r\n"))
        #expect(sub.droppedCount == 3, "the byte limit holds too")
        #expect(sub.pendingBytes == 6)
        await client.close()
    }
}

/// What a tap saw, taken in order.
final class Observed: Sendable {
    private let messages = Mutex<[NATSMessage]>([])
    func add(_ message: NATSMessage) { messages.withLock { $0.append(message) } }
    func take() -> [NATSMessage] { messages.withLock { m in defer { m = [] }; return m } }
}
