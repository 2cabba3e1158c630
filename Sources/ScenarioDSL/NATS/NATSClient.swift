import Foundation
import GreenticTestKit
import NIOCore
import NIOPosix
import NIOSSL
import Synchronization

/// A NATS client on SwiftNIO: publish (with headers), subscribe (with queue groups) as async
/// sequences, `flush()` as a PING/PONG barrier, request/reply over one muxed inbox with "no
/// responders" reported as its own error, token, user/password, NKey and `.creds`
/// authentication, TLS, and reconnection with backoff: subscriptions are restored and publishes
/// made while disconnected are buffered (up to `reconnectBufferBytes`) and sent once the
/// connection is back. Given a server list (`nats://a:4222,nats://b:4222`, as a cluster's
/// `env.natsURL()` is), it connects to the first that answers and, when that connection is
/// lost, reconnects to the next one in the list, round the list. Publishing never suspends, so
/// it is synchronous and runs at the same rate from any isolation. Never blocks an event loop.
public final class NATSClient: Sendable {
    /// The client's link, across connections: one connection is current, or it is being
    /// replaced, or the client is closed for good.
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
        /// Flushes waiting for their PONG, in the order of their PINGs. A flush that timed out
        /// leaves its entry without a continuation, so the PONG still answering its PING is not
        /// taken for a later flush's.
        var pongWaiters: [(id: UInt64, continuation: CheckedContinuation<Void, any Error>?, generation: Int)] = []
        var nextWaiterID: UInt64 = 0
        /// Flushes cancelled before their waiter was registered.
        var cancelledWaiters: Set<UInt64> = []
        /// Publishes made while reconnecting, sent once the connection is back.
        var reconnectBuffer = ByteBufferAllocator().buffer(capacity: 0)
        var reconnects = 0
        var lastServerError: String?
        /// Bytes written since the last flush was scheduled; sent in one write per event-loop turn.
        var outbound = ByteBufferAllocator().buffer(capacity: 0)
        var flushScheduled = false
        /// The TLS context, made once (from the options, or the defaults when a server requires TLS).
        var tlsContext: NIOSSLContext?
        /// The index in `servers` of the server connected to, or tried last.
        var server = 0
    }

    /// The servers to use, in order: one, or a cluster's nodes.
    let servers: [NATSServerAddress]
    public let options: Options
    private let connector: any NATSConnector
    let state = Mutex(State())
    let subscriptions = NATSSubscriptionTable()
    let requests = NATSRequestRouter()
    /// The arrival number of the last message read off any of this client's connections.
    private let arrivals = Atomic<UInt64>(0)
    private let nextRequest = Atomic<UInt64>(0)

    /// The server connected to (or tried last).
    var address: NATSServerAddress { servers[state.withLock { $0.server }] }

    /// The URL (each server's, separated by commas) with any credential replaced by `***`.
    public var url: String { servers.map(\.redacted).joined(separator: ",") }

    /// The URL of the server connected to (or tried last), any credential replaced by `***`.
    public var connectedURL: String { address.redacted }

    private init(servers: [NATSServerAddress], options: Options, connector: any NATSConnector) {
        self.servers = servers
        self.options = options
        self.connector = connector
    }

    /// Connects (INFO, CONNECT, PING/PONG) to `nats://host:port` or `tls://host:port`, or to the
    /// first server of a comma-separated list that answers.
    public static func connect(url: String, options: Options = Options()) async throws -> NATSClient {
        try await connect(url: url, options: options, connector: NATSTCPConnector())
    }

    /// Connects through `connector` (the handler tests pass an in-memory channel).
    package static func connect(url: String, options: Options, connector: any NATSConnector,
                                environment: [String: String] = ProcessInfo.processInfo.environment) async throws -> NATSClient {
        let servers = try NATSServerAddress.list(url)
        let client = NATSClient(servers: servers, options: options.resolved(for: servers, environment: environment), connector: connector)
        if let tls = client.options.tls {
            let context = try tls.makeContext()
            client.state.withLock { $0.tlsContext = context }
        }
        do {
            let (channel, generation) = try await client.establishAny(startingAt: 0)
            client.activate(channel, generation: generation)
        } catch {
            client.shutDown(error: NATSError.closed)
            throw error
        }
        if let env = TestEnv.current {
            env.track(TrackedResource(
                kind: .natsConnection, detail: "'\(client.options.name)' to \(client.url), never closed", point: .bodyEnded,
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
    /// How many times the connection was re-established, each counted once the server has
    /// confirmed the restored subscriptions (a PING after them answered, or the new connection
    /// lost again first).
    public var reconnectCount: Int { state.withLock { $0.reconnects } }
    public var isConnected: Bool { state.withLock { if case .connected = $0.phase { true } else { false } } }
    public var isClosed: Bool { state.withLock { if case .closed = $0.phase { true } else { false } } }
    /// The last `-ERR` the server sent, if any.
    public var lastServerError: String? { state.withLock { $0.lastServerError } }

    // MARK: Connection

    /// Tries each server once, from `first` round the list; returns the first connection made,
    /// or throws the failure of the only server, or one naming every server's failure.
    private func establishAny(startingAt first: Int) async throws -> (any Channel, Int) {
        var failures: [String] = []
        var lastError: (any Error)?
        for step in 0..<servers.count {
            let index = (first + step) % servers.count
            state.withLock { $0.server = index }
            do {
                return try await establish()
            } catch {
                // A refused credential is the same on every node: report it at once.
                if case .authenticationFailed = error as? NATSError { throw error }
                lastError = error
                failures.append("\(error)")
            }
        }
        if servers.count == 1, let lastError { throw lastError }
        throw NATSError.connectionFailed("no server of \(url) answered: " + failures.joined(separator: "; "))
    }

    /// Opens a connection and completes the handshake; returns the channel and its generation.
    private func establish() async throws -> (any Channel, Int) {
        let generation = state.withLock { s -> Int in
            s.generation += 1
            return s.generation
        }
        let handshake = Mutex<EventLoopPromise<Void>?>(nil)
        let channel: any Channel
        do {
            channel = try await connector.connect(host: address.host, port: address.port, timeout: options.connectTimeout) { [self] channel in
                let promise = channel.eventLoop.makePromise(of: Void.self)
                handshake.withLock { $0 = promise }
                return channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(NATSInboundHandler(client: self, generation: generation, handshake: promise))
                }
            }
        } catch {
            // The handler may exist on a channel that never connected; its promise must not leak.
            let failure = NATSError.connectionFailed("\(address.host):\(address.port): \(error)")
            handshake.withLock { $0 }?.fail(failure)
            throw failure
        }
        guard let promise = handshake.withLock({ $0 }) else {
            channel.close(promise: nil)
            throw NATSError.connectionFailed("\(address.redacted): the connection was set up without the client's handler")
        }
        do {
            try await withDeadline(options.connectTimeout, what: "NATS handshake with \(address.redacted)") {
                try await promise.futureResult.get()
            }
        } catch {
            try? await channel.close()
            // A connection lost during the handshake (reset, closed) names the server too.
            let failure = Self.natsError(error)
            if case .connectionFailed(let reason) = failure, !reason.contains("\(address.host):\(address.port)") {
                throw NATSError.connectionFailed("\(address.redacted) during the handshake: \(reason)")
            }
            throw failure
        }
        return (channel, generation)
    }

    /// Takes the server's INFO; returns the CONNECT + PING to send, after inserting the TLS
    /// handler with `upgrade` when TLS is required by either side.
    func acceptInfo(_ text: String, upgrade: (NIOSSLClientHandler) throws -> Void) throws -> ByteBuffer {
        let info = (try? JSONValue.parse(text)) ?? .object([:])
        let serverRequiresTLS = info["tls_required"] == true
        let serverOffersTLS = serverRequiresTLS || info["tls_available"] == true
        let wantTLS = address.tlsRequired || options.tls != nil
        let tlsContext = try state.withLock { s throws(NATSError) -> NIOSSLContext? in
            s.info = info
            if let max = info["max_payload"]?.doubleValue { s.maxPayload = Int(max) }
            guard wantTLS || serverRequiresTLS else { return nil }
            if s.tlsContext == nil { s.tlsContext = try NATSTLS().makeContext() }
            return s.tlsContext
        }
        if let tlsContext {
            guard serverOffersTLS else {
                throw NATSError.tlsFailed("\(address.redacted) does not offer TLS (its INFO has no tls_required or tls_available)")
            }
            try upgrade(try NATSTLS.handler(context: tlsContext, host: address.host, serverName: options.tls?.serverName))
        }
        var fields: [String: JSONValue] = [
            "verbose": false, "pedantic": false, "headers": true, "no_responders": true,
            "name": .string(options.name), "lang": "swift", "version": "1.0", "protocol": 1,
            "tls_required": .bool(tlsContext != nil),
        ]
        if let auth = options.auth ?? address.auth {
            for (key, value) in try auth.connectFields(nonce: info["nonce"]?.stringValue) { fields[key] = value }
        }
        return NATSFrameEncoder.frame { NATSFrameEncoder.connect(fields, into: &$0) }
    }

    /// A handshake failure as the user should read it: a refused credential names its method.
    func handshakeError(_ error: NATSError) -> NATSError {
        guard case .serverError(let message) = error else { return error }
        let lower = message.lowercased()
        guard lower.contains("authorization") || lower.contains("authentication") else { return error }
        if let auth = options.auth ?? address.auth {
            return .authenticationFailed(method: auth.method, reason: "\(address.redacted) refused it ('\(message)')")
        }
        return .authenticationFailed(
            method: "none", reason: "\(address.redacted) requires a credential ('\(message)'): set NATSClient.Options.auth, put it in the URL, or set E2E_NATS_CREDS")
    }

    /// Any error as a NATSError (a TLS failure named as one).
    static func natsError(_ error: any Error) -> NATSError {
        if let error = error as? NATSError { return error }
        if error is NIOSSLError || String(reflecting: type(of: error)).contains("NIOSSL") || String(reflecting: type(of: error)).contains("BoringSSL") {
            return .tlsFailed("\(error)")
        }
        if let error = error as? ProbeError { return .timeout("\(error)") }
        return .connectionFailed("\(error)")
    }

    /// Makes an established channel current: restores subscriptions, re-sends the PINGs of
    /// waiters from a lost connection, then the buffered publishes.
    private func activate(_ channel: any Channel, generation: Int) {
        let subs = subscriptions.all
        let mux = requests.sid
        state.withLock { s in
            var out = ByteBufferAllocator().buffer(capacity: 256 + s.reconnectBuffer.readableBytes)
            for sub in subs {
                NATSFrameEncoder.subscribe(subject: sub.subject, queue: sub.queue, sid: sub.sid, into: &out)
                if let remaining = sub.remainingBeforeLimit { NATSFrameEncoder.unsubscribe(sid: sub.sid, after: remaining, into: &out) }
            }
            if let mux { NATSFrameEncoder.subscribe(subject: requests.subject, queue: nil, sid: mux, into: &out) }
            for i in s.pongWaiters.indices where s.pongWaiters[i].generation != generation {
                s.pongWaiters[i].generation = generation
                NATSFrameEncoder.ping(into: &out)
            }
            out.writeBuffer(&s.reconnectBuffer)
            s.reconnectBuffer.clear()
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

    /// Called by the handler when its connection ends: only the current connection's end starts
    /// a reconnect, and only one runs at a time.
    func connectionLost(generation: Int) {
        let reconnect = state.withLock { s -> Bool in
            guard case .connected(_, let current) = s.phase, current == generation else { return false }
            s.phase = .reconnecting
            // Bytes not yet handed to the socket are sent again after reconnecting.
            s.reconnectBuffer.writeBuffer(&s.outbound)
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
                // The next server first: the one just lost is the likeliest to be down.
                let next = (state.withLock { $0.server } + 1) % servers.count
                let (channel, generation) = try await establishAny(startingAt: next)
                let stillWanted = state.withLock { s -> Bool in
                    if case .closed = s.phase { return false }
                    return true
                }
                guard stillWanted else { try? await channel.close(); return }
                activate(channel, generation: generation)
                // Counted once the server has answered a PING sent after the restored
                // subscriptions, so whoever sees the count (a runner's /healthz) can rely on
                // them: a message published after that reaches this client.
                try? await flush()
                state.withLock { $0.reconnects += 1 }
                return
            } catch {
                wait = min(wait * 2, options.reconnectWaitMax)
            }
        }
        shutDown(error: NATSError.connectionFailed("gave up reconnecting to \(url) after \(options.maxReconnectAttempts) attempts"))
    }

    // MARK: Publishing

    /// Publishes a payload (optionally with headers and a reply subject). Never suspends: the
    /// bytes are queued and written on the connection's next event-loop turn.
    public func publish(_ subject: String, payload: Data = Data(), headers: NATSHeaders? = nil, replyTo: String? = nil) throws {
        try Self.validate(subject)
        let headerBytes = headers?.encoded
        let total = (headerBytes?.count ?? 0) + payload.count
        let limit = maxPayload
        guard total <= limit else { throw NATSError.maxPayloadExceeded(size: total, max: limit) }
        try send { NATSFrameEncoder.publish(subject: subject, replyTo: replyTo, headers: headerBytes, payload: payload, into: &$0) }
    }

    /// Publishes text as UTF-8.
    public func publish(_ subject: String, text: String, headers: NATSHeaders? = nil) throws {
        try publish(subject, payload: Data(text.utf8), headers: headers)
    }

    /// Publishes a JSON value.
    public func publish(_ subject: String, json: JSONValue, headers: NATSHeaders? = nil) throws {
        try publish(subject, payload: Data(JSONWriter.compact(json).utf8), headers: headers)
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
        guard let subscription = subscriptions.add({
            NATSSubscription(sid: $0, subject: subject, queue: queue, client: self, limits: options.pendingLimits, observer: observer)
        }) else { throw NATSError.closed }
        do {
            try send { NATSFrameEncoder.subscribe(subject: subject, queue: queue, sid: subscription.sid, into: &$0) }
        } catch {
            subscriptions.remove(subscription.sid)
            throw error
        }
        // A tap that sees the inbox's replies makes the inbox's own subscription a duplicate.
        if observer != nil, queue == nil, SubjectPattern(subject).covers(requests.pattern) {
            try requests.tapCovers(subscription.sid) { sid in try send { NATSFrameEncoder.unsubscribe(sid: sid, after: nil, into: &$0) } }
        }
        return subscription
    }

    func unsubscribe(_ sid: UInt64, after max: Int?) throws {
        // The tap covering the inbox hands it back before its UNSUB reaches the server.
        try requests.subscriptionEnds(sid, coveringTap: { subscriptions.coveringTap(of: requests.pattern, excluding: sid) },
                                      allocate: subscriptions.allocateSid, subscribe: subscribeInbox)
        if max == nil { subscriptions.remove(sid)?.finish() }
        try send { NATSFrameEncoder.unsubscribe(sid: sid, after: max, into: &$0) }
    }

    /// A subscription started dropping messages: recorded once in the test's timeline and log.
    func reportSlowConsumer(_ subscription: NATSSubscription) {
        let text = "NATS slow consumer: subscription \(subscription.sid) on '\(subscription.subject)' reached its pending limits "
            + "(\(subscription.limits.messages) messages / \(subscription.limits.bytes) bytes) and drops new messages; consume faster or raise Options.pendingLimits"
        if let env = TestEnv.current { env.log(text) } else { FileHandle.standardError.write(Data((text + "\n").utf8)) }
    }

    // MARK: Flush and request/reply

    /// Waits until the server has processed everything sent before (PING/PONG barrier).
    public func flush(timeout: Duration = .seconds(5)) async throws {
        do {
            try await withDeadline(timeout, what: "NATS flush") { [self] in
                let id = state.withLock { s -> UInt64 in
                    s.nextWaiterID += 1
                    return s.nextWaiterID
                }
                // Cancellable, so the deadline ends the wait when no PONG comes.
                try await withTaskCancellationHandler {
                    try await withCheckedThrowingContinuation { (c: CheckedContinuation<Void, any Error>) in
                        let refusal = state.withLock { s -> (any Error)? in
                            if s.cancelledWaiters.remove(id) != nil { return CancellationError() }
                            switch s.phase {
                            case .closed, .connecting: return NATSError.closed
                            case .connected(let channel, let generation):
                                s.pongWaiters.append((id, c, generation))
                                NATSFrameEncoder.ping(into: &s.outbound)
                                scheduleFlush(&s, channel, generation)
                            case .reconnecting:
                                s.pongWaiters.append((id, c, -1))
                            }
                            return nil
                        }
                        if let refusal { c.resume(throwing: refusal) }
                    }
                } onCancel: { [self] in
                    let waiter = state.withLock { s -> CheckedContinuation<Void, any Error>? in
                        guard let i = s.pongWaiters.firstIndex(where: { $0.id == id }) else {
                            // Matters only until the flush registers, a moment later; an entry
                            // for a flush already answered is never looked up, hence the bound.
                            if s.cancelledWaiters.count >= 1024 { s.cancelledWaiters.removeAll() }
                            s.cancelledWaiters.insert(id)
                            return nil
                        }
                        defer { s.pongWaiters[i].continuation = nil }
                        return s.pongWaiters[i].continuation
                    }
                    waiter?.resume(throwing: CancellationError())
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
        let token = String(nextRequest.wrappingAdd(1, ordering: .relaxed).newValue, radix: 36)
        let inbox = requests.prefix + "." + token
        let loop = currentEventLoop ?? MultiThreadedEventLoopGroup.singleton.next()
        return try await withCheckedThrowingContinuation { (c: CheckedContinuation<NATSMessage, any Error>) in
            requests.register(token, c)
            let timer = loop.scheduleTask(in: timeout.timeAmount) { [self] in
                requests.fail(token, NATSError.timeout("no reply on '\(subject)' within \(timeout)"))
            }
            do {
                try publish(subject, payload: payload, headers: headers, replyTo: inbox)
            } catch {
                timer.cancel()
                requests.fail(token, error)
                return
            }
            // The timer is harmless once the request is answered: fail finds nothing.
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

    private var currentEventLoop: (any EventLoop)? {
        state.withLock { if case .connected(let channel, _) = $0.phase { channel.eventLoop } else { nil } }
    }

    private func ensureMuxSubscription() throws {
        try requests.ensureSubscribed(coveringTap: { subscriptions.coveringTap(of: requests.pattern) },
                                      allocate: subscriptions.allocateSid, subscribe: subscribeInbox)
    }

    private func subscribeInbox(_ sid: UInt64) throws {
        try send { NATSFrameEncoder.subscribe(subject: requests.subject, queue: nil, sid: sid, into: &$0) }
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
        for sid in subscriptions.sids { try send { NATSFrameEncoder.unsubscribe(sid: sid, after: nil, into: &$0) } }
        try await flush(timeout: timeout)
        await close()
    }

    // MARK: Internals

    /// Writes when connected (coalesced: one write and flush per event-loop turn), buffers while
    /// reconnecting, fails when closed.
    func send(_ write: (inout ByteBuffer) -> Void) throws {
        try state.withLock { s in
            switch s.phase {
            case .connected(let channel, let generation):
                write(&s.outbound)
                scheduleFlush(&s, channel, generation)
            case .reconnecting:
                let before = s.reconnectBuffer.writerIndex
                write(&s.reconnectBuffer)
                if s.reconnectBuffer.readableBytes > options.reconnectBufferBytes {
                    s.reconnectBuffer.moveWriterIndex(to: before)
                    throw NATSError.notConnected
                }
            case .closed, .connecting:
                throw NATSError.closed
            }
        }
    }

    private func scheduleFlush(_ s: inout State, _ channel: any Channel, _ generation: Int) {
        guard !s.flushScheduled else { return }
        s.flushScheduled = true
        channel.eventLoop.execute { [self] in self.flushOutbound(channel, generation: generation) }
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

    /// A server operation other than a message, once the connection runs.
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
                s.pongWaiters.isEmpty ? nil : s.pongWaiters.removeFirst().continuation ?? nil
            }
            waiter?.resume()
        case .ok, .ping, .msg:
            break
        case .err(let message):
            state.withLock { $0.lastServerError = message }
            // These leave the connection open; any other -ERR is followed by the server closing it.
            let lower = message.lowercased()
            if lower.contains("permissions violation") || lower.contains("invalid subject") || lower.contains("slow consumer") { return }
            shutDown(error: NATSError.serverError(message))
        }
    }

    /// Stamps a message as it is parsed off the connection: its arrival number and time.
    func stamp(_ message: inout NATSMessage, at now: ContinuousClock.Instant) {
        message.arrival = arrivals.wrappingAdd(1, ordering: .relaxed).newValue
        message.receivedAt = now
    }

    /// Delivers the messages of one read.
    func deliver(_ messages: [NATSMessage]) {
        subscriptions.deliver(messages, requests: requests)
    }

    /// Closes for good: subscriptions end, flushes and requests fail with `error`.
    func shutDown(error: any Error) {
        let pongs = state.withLock { s in
            s.phase = .closed
            s.reconnectBuffer.clear()
            s.outbound.clear()
            defer { s.pongWaiters = [] }
            return s.pongWaiters.compactMap(\.continuation)
        }
        subscriptions.close()
        requests.close(Self.natsError(error))
        pongs.forEach { $0.resume(throwing: error) }
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
