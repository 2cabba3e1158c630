import Foundation
import GreenticTestKit
import NIOCore
import NIOPosix
import Synchronization

/// A NATS client on SwiftNIO: publish (with headers), subscribe (with queue groups) as async
/// sequences, `flush()` as a PING/PONG barrier, request/reply over one muxed inbox with "no
/// responders" reported as its own error, and reconnection with backoff: subscriptions are
/// restored and publishes made while disconnected are buffered (up to `reconnectBufferBytes`)
/// and sent once the connection is back. Never blocks an event loop.
public final class NATSClient: Sendable {
    /// Connection settings.
    public struct Options: Sendable {
        public var name = "greentic-testkit"
        public var connectTimeout: Duration = .seconds(5)
        /// Reconnect attempts after a lost connection before giving up (then the client closes).
        public var maxReconnectAttempts = 120
        public var reconnectWaitMin: Duration = .milliseconds(10)
        public var reconnectWaitMax: Duration = .seconds(1)
        /// Bytes of publishes kept while disconnected; beyond that a publish fails with `.notConnected`.
        public var reconnectBufferBytes = 8 * 1024 * 1024

        public init() {}
    }

    enum Phase {
        case connecting
        case connected(any Channel, generation: Int)
        case reconnecting
        case closed
    }

    struct State {
        var phase: Phase = .connecting
        var generation = 0
        var info: JSONValue = .null
        var maxPayload = 1_048_576
        var nextSid: UInt64 = 1
        var subscriptions: [UInt64: NATSSubscription] = [:]
        var pongWaiters: [(continuation: CheckedContinuation<Void, any Error>, generation: Int)] = []
        var buffer: [UInt8] = []
        var inboxPrefix = "_INBOX." + NATSClient.token(22)
        var muxSid: UInt64?
        var requests: [String: CheckedContinuation<NATSMessage, any Error>] = [:]
        var reconnects = 0
        var lastServerError: String?
        /// Bytes written since the last flush was scheduled; sent in one write per event-loop turn.
        var outbound = ByteBufferAllocator().buffer(capacity: 0)
        var flushScheduled = false
    }

    let url: String
    let host: String
    let port: Int
    public let options: Options
    let state = Mutex(State())
    /// The arrival number of the last message read off any of this client's connections.
    private let arrivals = Atomic<UInt64>(0)

    private init(url: String, host: String, port: Int, options: Options) {
        self.url = url
        self.host = host
        self.port = port
        self.options = options
    }

    /// Connects (INFO, CONNECT, PING/PONG) to `nats://host:port`.
    public static func connect(url: String, options: Options = Options()) async throws -> NATSClient {
        guard let (host, port) = InfraEndpoints.hostPort(url) else { throw NATSError.invalidURL(url) }
        let client = NATSClient(url: url, host: host, port: port, options: options)
        do {
            let (channel, generation) = try await client.establish()
            client.activate(channel, generation: generation)
        } catch {
            client.state.withLock { $0.phase = .closed }
            throw error
        }
        if let env = TestEnv.current {
            env.track(TrackedResource(
                kind: .natsConnection, detail: "'\(options.name)' to \(url), never closed", point: .bodyEnded,
                stillHeld: { !client.isClosed }, reclaim: { await client.close() }))
        }
        return client
    }

    /// Connects with default options and the given name and timeout.
    public static func connect(url: String, name: String = "greentic-testkit", timeout: Duration = .seconds(5)) async throws -> NATSClient {
        var options = Options()
        options.name = name
        options.connectTimeout = timeout
        return try await connect(url: url, options: options)
    }

    /// The server's INFO, as JSON.
    public var serverInfo: JSONValue { state.withLock { $0.info } }
    /// Largest payload the server accepts (from INFO).
    public var maxPayload: Int { state.withLock { $0.maxPayload } }
    /// How many times the connection was re-established.
    public var reconnectCount: Int { state.withLock { $0.reconnects } }
    public var isConnected: Bool { state.withLock { if case .connected = $0.phase { true } else { false } } }
    public var isClosed: Bool { state.withLock { if case .closed = $0.phase { true } else { false } } }

    // MARK: Connection

    /// Opens a TCP connection and completes the handshake; returns the channel and its generation.
    private func establish() async throws -> (any Channel, Int) {
        let generation = state.withLock { s -> Int in
            s.generation += 1
            return s.generation
        }
        let handshake = MultiThreadedEventLoopGroup.singleton.next().makePromise(of: Void.self)
        let connect = "CONNECT " + JSONWriter.compact([
            "verbose": false, "pedantic": false, "headers": true, "no_responders": true,
            "name": .string(options.name), "lang": "swift", "version": "1.0", "protocol": 1,
        ]) + "\r\nPING\r\n"
        let channel: any Channel
        do {
            channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
                .connectTimeout(options.connectTimeout.timeAmount)
                .channelOption(.socketOption(.tcp_nodelay), value: 1)
                .channelInitializer { [self] channel in
                    channel.eventLoop.makeCompletedFuture {
                        try channel.pipeline.syncOperations.addHandler(
                            NATSInboundHandler(client: self, generation: generation, handshake: handshake, connectLine: connect))
                    }
                }
                .connect(host: host, port: port).get()
        } catch {
            handshake.fail(NATSError.connectionFailed("\(host):\(port): \(error)"))
            throw NATSError.connectionFailed("\(host):\(port): \(error)")
        }
        do {
            try await withDeadline(options.connectTimeout, what: "NATS handshake with \(url)") {
                try await handshake.futureResult.get()
            }
        } catch {
            try? await channel.close()
            if let e = error as? NATSError { throw e }
            throw NATSError.connectionFailed("\(url): \(error)")
        }
        return (channel, generation)
    }

    /// Makes an established channel current: restores subscriptions, re-sends the PINGs of
    /// waiters from a lost connection, then the buffered publishes.
    private func activate(_ channel: any Channel, generation: Int) {
        state.withLock { s in
            var out = ByteBufferAllocator().buffer(capacity: 256 + s.buffer.count)
            for (sid, sub) in s.subscriptions.sorted(by: { $0.key < $1.key }) {
                out.writeString("SUB \(sub.subject)\(sub.queue.map { " \($0)" } ?? "") \(sid)\r\n")
                if let remaining = sub.remainingBeforeLimit { out.writeString("UNSUB \(sid) \(remaining)\r\n") }
            }
            if let mux = s.muxSid { out.writeString("SUB \(s.inboxPrefix).* \(mux)\r\n") }
            for i in s.pongWaiters.indices where s.pongWaiters[i].generation != generation {
                s.pongWaiters[i].generation = generation
                out.writeString("PING\r\n")
            }
            out.writeBytes(s.buffer)
            s.buffer = []
            s.phase = .connected(channel, generation: generation)
            if out.readableBytes > 0 { channel.writeAndFlush(out, promise: nil) }
        }
    }

    /// Closes the current connection as a network failure would (a fault knob): the client
    /// then reconnects, restores its subscriptions and sends what was buffered. Returns whether
    /// a connection was open.
    @discardableResult
    public func dropConnection() -> Bool {
        let channel = state.withLock { s -> (any Channel)? in
            guard case .connected(let channel, _) = s.phase else { return nil }
            return channel
        }
        channel?.close(promise: nil)
        return channel != nil
    }

    /// Called by the handler when its connection ends.
    func connectionLost(generation: Int, error: any Error) {
        let reconnect = state.withLock { s -> Bool in
            guard case .connected(_, let current) = s.phase, current == generation else { return false }
            s.phase = .reconnecting
            // Bytes not yet handed to the socket are sent again after reconnecting.
            s.buffer.append(contentsOf: s.outbound.readableBytesView)
            s.outbound.clear()
            return true
        }
        guard reconnect else { return }
        Task { await self.reconnectLoop() }
    }

    private func reconnectLoop() async {
        var wait = options.reconnectWaitMin
        for _ in 0..<options.maxReconnectAttempts {
            if isClosed { return }
            // Up to a tenth of the wait (at least 1 ms) of jitter, so clients cut off together do not return together.
            let jitter = Duration.nanoseconds(Int64.random(in: 0...max(1_000_000, wait.wholeNanoseconds / 10)))
            try? await Task.sleep(for: wait + jitter)
            if isClosed { return }
            do {
                let (channel, generation) = try await establish()
                let stillWanted = state.withLock { s -> Bool in
                    if case .closed = s.phase { return false }
                    s.reconnects += 1
                    return true
                }
                guard stillWanted else { try? await channel.close(); return }
                activate(channel, generation: generation)
                return
            } catch {
                wait = min(wait * 2, options.reconnectWaitMax)
            }
        }
        shutDown(error: NATSError.connectionFailed("gave up reconnecting to \(url) after \(options.maxReconnectAttempts) attempts"))
    }

    // MARK: Publishing

    /// Publishes a payload (optionally with headers and a reply subject).
    public func publish(_ subject: String, payload: Data = Data(), headers: NATSHeaders? = nil, replyTo: String? = nil) async throws {
        try publishNow(subject, payload: payload, headers: headers, replyTo: replyTo)
    }

    /// Encodes and queues a publish without suspending.
    func publishNow(_ subject: String, payload: Data, headers: NATSHeaders?, replyTo: String?) throws {
        try Self.validate(subject)
        let headerBytes = headers?.encoded ?? []
        let total = headerBytes.count + payload.count
        let limit = maxPayload
        guard total <= limit else { throw NATSError.maxPayloadExceeded(size: total, max: limit) }
        var buffer = ByteBufferAllocator().buffer(capacity: subject.utf8.count + (replyTo?.utf8.count ?? 0) + total + 40)
        buffer.writeStaticString(headers != nil ? "HPUB " : "PUB ")
        buffer.writeString(subject)
        if let replyTo {
            buffer.writeStaticString(" ")
            buffer.writeString(replyTo)
        }
        if headers != nil {
            buffer.writeStaticString(" ")
            buffer.writeString(String(headerBytes.count))
        }
        buffer.writeStaticString(" ")
        buffer.writeString(String(total))
        buffer.writeStaticString("\r\n")
        if headers != nil { buffer.writeBytes(headerBytes) }
        buffer.writeBytes(payload)
        buffer.writeStaticString("\r\n")
        try send(buffer)
    }

    /// Publishes text as UTF-8.
    public func publish(_ subject: String, text: String, headers: NATSHeaders? = nil) async throws {
        try await publish(subject, payload: Data(text.utf8), headers: headers)
    }

    /// Publishes a JSON value.
    public func publish(_ subject: String, json: JSONValue, headers: NATSHeaders? = nil) async throws {
        try await publish(subject, payload: Data(JSONWriter.compact(json).utf8), headers: headers)
    }

    // MARK: Subscribing

    /// Subscribes; messages arrive on the returned sequence until `unsubscribe()` or `close()`.
    public func subscribe(_ subject: String, queue: String? = nil) async throws -> NATSSubscription {
        try subscribe(subject, queue: queue, observer: nil)
    }

    /// Subscribes with a closure called for each message on the connection's thread, as it is
    /// parsed and in arrival order (it must not block). For recorders such as the wiretap,
    /// which must see every message the moment it arrives.
    package func tap(_ subject: String, _ observer: @escaping @Sendable (NATSMessage) -> Void) async throws -> NATSSubscription {
        try subscribe(subject, queue: nil, observer: observer)
    }

    private func subscribe(_ subject: String, queue: String?, observer: (@Sendable (NATSMessage) -> Void)?) throws -> NATSSubscription {
        try Self.validate(subject)
        if let queue { try Self.validate(queue) }
        let subscription = state.withLock { s -> NATSSubscription in
            let sid = s.nextSid
            s.nextSid += 1
            let sub = NATSSubscription(sid: sid, subject: subject, queue: queue, client: self, observer: observer)
            s.subscriptions[sid] = sub
            return sub
        }
        do {
            try send(ByteBuffer(string: "SUB \(subject)\(queue.map { " \($0)" } ?? "") \(subscription.sid)\r\n"))
        } catch {
            _ = state.withLock { $0.subscriptions.removeValue(forKey: subscription.sid) }
            throw error
        }
        return subscription
    }

    func unsubscribe(_ sid: UInt64, after max: Int?) throws {
        if let max {
            try send(ByteBuffer(string: "UNSUB \(sid) \(max)\r\n"))
        } else {
            _ = state.withLock { $0.subscriptions.removeValue(forKey: sid) }?.finish()
            try send(ByteBuffer(string: "UNSUB \(sid)\r\n"))
        }
    }

    // MARK: Flush and request/reply

    /// Waits until the server has processed everything sent before (PING/PONG barrier).
    public func flush(timeout: Duration = .seconds(5)) async throws {
        do {
            try await withDeadline(timeout, what: "NATS flush") { [self] in
                try await withCheckedThrowingContinuation { (c: CheckedContinuation<Void, any Error>) in
                    let result = state.withLock { s -> Result<Void, any Error>? in
                        switch s.phase {
                        case .closed, .connecting: return .failure(NATSError.closed)
                        case .connected(let channel, let generation):
                            s.pongWaiters.append((c, generation))
                            s.outbound.writeString("PING\r\n")
                            if !s.flushScheduled {
                                s.flushScheduled = true
                                channel.eventLoop.execute { [self] in self.flushOutbound(channel, generation: generation) }
                            }
                        case .reconnecting:
                            s.pongWaiters.append((c, -1))
                        }
                        return nil
                    }
                    if case .failure(let e) = result { c.resume(throwing: e) }
                }
            }
        } catch let error as ProbeError {
            throw NATSError.timeout("\(error)")
        }
    }

    /// Sends a request and waits for the first reply. A server "no responders" status (503)
    /// fails with `NATSError.noResponders`.
    public func request(_ subject: String, payload: Data = Data(), headers: NATSHeaders? = nil,
                        timeout: Duration = .seconds(5)) async throws -> NATSMessage {
        try Self.validate(subject)
        try ensureMuxSubscription()
        let token = Self.token(12)
        let inbox = state.withLock { "\($0.inboxPrefix).\(token)" }
        let loop = MultiThreadedEventLoopGroup.singleton.next()
        return try await withCheckedThrowingContinuation { (c: CheckedContinuation<NATSMessage, any Error>) in
            state.withLock { $0.requests[token] = c }
            let timer = loop.scheduleTask(in: timeout.timeAmount) { [self] in
                failRequest(token, NATSError.timeout("no reply on '\(subject)' within \(timeout)"))
            }
            do {
                try publishNow(subject, payload: payload, headers: headers, replyTo: inbox)
            } catch {
                timer.cancel()
                failRequest(token, error)
                return
            }
            // The timer is harmless once the request is answered: failRequest finds nothing.
            _ = timer
        }
    }

    /// Sends a JSON request and parses the JSON reply.
    public func request(_ subject: String, json: JSONValue, timeout: Duration = .seconds(5)) async throws -> JSONValue {
        let reply = try await request(subject, payload: Data(JSONWriter.compact(json).utf8), timeout: timeout)
        do { return try JSONValue.parse(reply.payload) } catch {
            throw NATSError.protocolViolation("reply on \(reply.subject) is not JSON: \(reply.text.prefix(200))")
        }
    }

    private func ensureMuxSubscription() throws {
        let needed = state.withLock { s -> (UInt64, String)? in
            guard s.muxSid == nil else { return nil }
            let sid = s.nextSid
            s.nextSid += 1
            s.muxSid = sid
            return (sid, s.inboxPrefix)
        }
        if let (sid, prefix) = needed {
            try send(ByteBuffer(string: "SUB \(prefix).* \(sid)\r\n"))
        }
    }

    // MARK: Closing

    /// Closes the connection; subscriptions end and pending calls fail with `.closed`.
    public func close() async {
        let channel = state.withLock { s -> (any Channel)? in
            if case .connected(let ch, _) = s.phase { return ch }
            return nil
        }
        shutDown(error: NATSError.closed)
        try? await channel?.close()
    }

    /// Unsubscribes everything, flushes, then closes.
    public func drain(timeout: Duration = .seconds(5)) async throws {
        let sids = state.withLock { Array($0.subscriptions.keys) }
        for sid in sids { try send(ByteBuffer(string: "UNSUB \(sid)\r\n")) }
        try await flush(timeout: timeout)
        await close()
    }

    // MARK: Internals

    /// Writes when connected (coalesced: one write and flush per event-loop turn), buffers while
    /// reconnecting, fails when closed.
    func send(_ buffer: ByteBuffer) throws {
        try state.withLock { s in
            switch s.phase {
            case .connected(let channel, let generation):
                var b = buffer
                s.outbound.writeBuffer(&b)
                if !s.flushScheduled {
                    s.flushScheduled = true
                    channel.eventLoop.execute { [self] in self.flushOutbound(channel, generation: generation) }
                }
            case .reconnecting:
                guard s.buffer.count + buffer.readableBytes <= options.reconnectBufferBytes else { throw NATSError.notConnected }
                s.buffer.append(contentsOf: buffer.readableBytesView)
            case .closed, .connecting:
                throw NATSError.closed
            }
        }
    }

    private func flushOutbound(_ channel: any Channel, generation: Int) {
        let bytes = state.withLock { s -> ByteBuffer? in
            s.flushScheduled = false
            guard case .connected(_, let current) = s.phase, current == generation, s.outbound.readableBytes > 0 else { return nil }
            let out = s.outbound
            s.outbound = ByteBufferAllocator().buffer(capacity: 0)
            return out
        }
        if let bytes { channel.writeAndFlush(bytes, promise: nil) }
    }

    func handle(_ op: NATSServerOp) {
        switch op {
        case .info(let json):
            let info = (try? JSONValue.parse(json)) ?? .object([:])
            state.withLock { s in
                s.info = info
                if let max = info["max_payload"]?.doubleValue { s.maxPayload = Int(max) }
            }
        case .pong:
            let waiter = state.withLock { s -> CheckedContinuation<Void, any Error>? in
                s.pongWaiters.isEmpty ? nil : s.pongWaiters.removeFirst().continuation
            }
            waiter?.resume()
        case .ok, .ping:
            break
        case .err(let message):
            state.withLock { $0.lastServerError = message }
            let lower = message.lowercased()
            if lower.contains("permissions violation") || lower.contains("invalid subject") { return }
            shutDown(error: NATSError.serverError(message))
        case .msg(let message):
            deliver(message)
        }
    }

    /// Stamps a message as it is parsed off the connection: its arrival number and time.
    func stamp(_ message: inout NATSMessage, at now: ContinuousClock.Instant) {
        message.arrival = arrivals.wrappingAdd(1, ordering: .relaxed).newValue
        message.receivedAt = now
    }

    /// The last `-ERR` the server sent, if any.
    public var lastServerError: String? { state.withLock { $0.lastServerError } }

    /// Delivers the messages of one read: one state lock, then each subscription's share at once.
    func deliver(_ messages: [NATSMessage]) {
        var perSubscription: [UInt64: (NATSSubscription, [NATSMessage])] = [:]
        var order: [UInt64] = []
        var replies: [(CheckedContinuation<NATSMessage, any Error>, NATSMessage)] = []
        // Observed subscriptions get their messages one by one in arrival order across all
        // of them (grouping by subscription would reorder messages of different subjects).
        var observed: [(NATSSubscription, NATSMessage)] = []
        state.withLock { s in
            for message in messages {
                if message.sid == s.muxSid {
                    let token = String(message.subject.dropFirst(s.inboxPrefix.count + 1))
                    if let c = s.requests.removeValue(forKey: token) { replies.append((c, message)) }
                } else if let sub = s.subscriptions[message.sid], sub.observer != nil {
                    observed.append((sub, message))
                } else if let sub = s.subscriptions[message.sid] {
                    if perSubscription[message.sid] == nil { order.append(message.sid); perSubscription[message.sid] = (sub, []) }
                    perSubscription[message.sid]!.1.append(message)
                }
            }
        }
        for (sub, message) in observed {
            if sub.deliver(message) { _ = state.withLock { $0.subscriptions.removeValue(forKey: sub.sid) } }
        }
        for sid in order {
            let (sub, list) = perSubscription[sid]!
            if sub.deliver(contentsOf: list) { _ = state.withLock { $0.subscriptions.removeValue(forKey: sid) } }
        }
        for (c, message) in replies {
            if message.status == 503 { c.resume(throwing: NATSError.noResponders(subject: message.subject)) } else { c.resume(returning: message) }
        }
    }

    private func deliver(_ message: NATSMessage) {
        enum Target { case sub(NATSSubscription), request(CheckedContinuation<NATSMessage, any Error>), none }
        let target = state.withLock { s -> Target in
            if message.sid == s.muxSid {
                let token = String(message.subject.dropFirst(s.inboxPrefix.count + 1))
                if let c = s.requests.removeValue(forKey: token) { return .request(c) }
                return .none
            }
            if let sub = s.subscriptions[message.sid] { return .sub(sub) }
            return .none
        }
        switch target {
        case .sub(let sub):
            if sub.deliver(message) { _ = state.withLock { $0.subscriptions.removeValue(forKey: sub.sid) } }
        case .request(let c):
            if message.status == 503 {
                c.resume(throwing: NATSError.noResponders(subject: message.subject))
            } else {
                c.resume(returning: message)
            }
        case .none:
            break
        }
    }

    private func failRequest(_ token: String, _ error: any Error) {
        state.withLock { $0.requests.removeValue(forKey: token) }?.resume(throwing: error)
    }

    func shutDown(error: any Error) {
        let (subs, pongs, requests) = state.withLock { s in
            s.phase = .closed
            s.buffer = []
            defer {
                s.subscriptions = [:]
                s.pongWaiters = []
                s.requests = [:]
            }
            return (Array(s.subscriptions.values), s.pongWaiters.map(\.continuation), Array(s.requests.values))
        }
        subs.forEach { $0.finish() }
        pongs.forEach { $0.resume(throwing: error) }
        requests.forEach { $0.resume(throwing: error) }
    }

    static func validate(_ subject: String) throws {
        if subject.isEmpty || subject.contains(where: { $0 == " " || $0 == "\t" || $0 == "\r" || $0 == "\n" }) {
            throw NATSError.invalidSubject(subject)
        }
    }

    static func token(_ length: Int) -> String {
        let alphabet = Array("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz")
        return String((0..<length).map { _ in alphabet.randomElement()! })
    }
}

/// Feeds inbound bytes to the parser and operations to the client; completes the handshake
/// (INFO → CONNECT + PING → PONG) and answers server PINGs.
final class NATSInboundHandler: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    private var parser = NATSParser()
    private var batch: [NATSMessage] = []
    private let client: NATSClient
    private let generation: Int
    private let handshake: EventLoopPromise<Void>
    private let connectLine: String
    private var phase = 0  // 0: awaiting INFO, 1: awaiting PONG, 2: running

    init(client: NATSClient, generation: Int, handshake: EventLoopPromise<Void>, connectLine: String) {
        self.client = client
        self.generation = generation
        self.handshake = handshake
        self.connectLine = connectLine
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        var buffer = unwrapInboundIn(data)
        if let bytes = buffer.readBytes(length: buffer.readableBytes) { parser.append(bytes) }
        // One instant per read: every message of a read arrived together.
        var now: ContinuousClock.Instant?
        do {
            while var op = try parser.next() {
                if case .msg(var message) = op {
                    if now == nil { now = .now }
                    client.stamp(&message, at: now!)
                    op = .msg(message)
                }
                if op == .ping {
                    context.writeAndFlush(wrapOutboundOut(ByteBuffer(string: "PONG\r\n")), promise: nil)
                    continue
                }
                switch phase {
                case 0:
                    guard case .info = op else { throw NATSError.protocolViolation("expected INFO, got \(op)") }
                    client.handle(op)
                    phase = 1
                    context.writeAndFlush(wrapOutboundOut(ByteBuffer(string: connectLine)), promise: nil)
                case 1:
                    switch op {
                    case .pong:
                        phase = 2
                        handshake.succeed(())
                    case .err(let message):
                        throw NATSError.serverError(message)
                    default:
                        client.handle(op)
                    }
                default:
                    if case .msg(let message) = op {
                        batch.append(message)
                    } else {
                        if !batch.isEmpty { client.deliver(batch); batch.removeAll(keepingCapacity: true) }
                        client.handle(op)
                    }
                }
            }
            if !batch.isEmpty { client.deliver(batch); batch.removeAll(keepingCapacity: true) }
        } catch {
            batch.removeAll()
            fail(error, context: context)
        }
    }

    private func fail(_ error: any Error, context: ChannelHandlerContext) {
        if phase < 2 { handshake.fail(error) } else { client.shutDown(error: error) }
        context.close(promise: nil)
    }

    func channelInactive(context: ChannelHandlerContext) {
        if phase < 2 {
            handshake.fail(NATSError.connectionFailed("connection closed during the handshake"))
        } else {
            client.connectionLost(generation: generation, error: NATSError.closed)
        }
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        if phase < 2 { handshake.fail(NATSError.connectionFailed("\(error)")) }
        context.close(promise: nil)
    }
}
