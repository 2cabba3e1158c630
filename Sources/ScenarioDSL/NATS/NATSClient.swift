import Foundation
import GreenticTestKit
import NIOCore
import NIOPosix
import Synchronization

/// A NATS client on SwiftNIO: publish (with headers), subscribe (with queue groups) as async
/// sequences, `flush()` as a PING/PONG barrier, and request/reply over one muxed inbox with
/// "no responders" reported as its own error. Never blocks an event loop.
public final class NATSClient: Sendable {
    /// The server's INFO, as JSON.
    public var serverInfo: JSONValue { state.withLock { $0.info } }
    /// Largest payload the server accepts (from INFO).
    public var maxPayload: Int { state.withLock { $0.maxPayload } }

    let url: String
    let name: String
    private let channelBox = Mutex<(any Channel)?>(nil)

    struct State {
        var info: JSONValue = .null
        var maxPayload = 1_048_576
        var nextSid: UInt64 = 1
        var subscriptions: [UInt64: NATSSubscription] = [:]
        var pongWaiters: [CheckedContinuation<Void, any Error>] = []
        var infoWaiter: CheckedContinuation<Void, any Error>?
        var inboxPrefix = "_INBOX." + NATSClient.token(22)
        var muxSid: UInt64?
        var requests: [String: CheckedContinuation<NATSMessage, any Error>] = [:]
        var closed = false
        var lastServerError: String?
    }
    let state = Mutex(State())

    private init(url: String, name: String) {
        self.url = url
        self.name = name
    }

    /// Connects (INFO, CONNECT, PING/PONG) to `nats://host:port`.
    public static func connect(url: String, name: String = "greentic-testkit", timeout: Duration = .seconds(5)) async throws -> NATSClient {
        guard let (host, port) = InfraEndpoints.hostPort(url) else { throw NATSError.invalidURL(url) }
        let client = NATSClient(url: url, name: name)
        do {
            try await withDeadline(timeout, what: "NATS connect to \(url)") {
                try await client.open(host: host, port: port)
            }
        } catch let error as ProbeError {
            await client.close()
            throw NATSError.timeout("\(error)")
        } catch {
            await client.close()
            throw error
        }
        return client
    }

    private func open(host: String, port: Int) async throws {
        let channel: any Channel
        do {
            channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
                .channelOption(.socketOption(.tcp_nodelay), value: 1)
                .channelInitializer { [self] channel in
                    channel.eventLoop.makeCompletedFuture {
                        try channel.pipeline.syncOperations.addHandler(NATSInboundHandler(client: self))
                    }
                }
                .connect(host: host, port: port).get()
        } catch {
            throw NATSError.connectionFailed("\(host):\(port): \(error)")
        }
        channelBox.withLock { $0 = channel }
        try await withCheckedThrowingContinuation { (c: CheckedContinuation<Void, any Error>) in
            let ready = state.withLock { s -> Bool in
                if s.info != .null { return true }
                s.infoWaiter = c
                return false
            }
            if ready { c.resume() }
        }
        let connect: JSONValue = [
            "verbose": false, "pedantic": false, "headers": true, "no_responders": true,
            "name": .string(name), "lang": "swift", "version": "1.0", "protocol": 1,
        ]
        try await write("CONNECT \(JSONWriter.compact(connect))\r\n")
        try await flush()
    }

    // MARK: Publishing

    /// Publishes a payload (optionally with headers and a reply subject).
    public func publish(_ subject: String, payload: Data = Data(), headers: NATSHeaders? = nil, replyTo: String? = nil) async throws {
        try Self.validate(subject)
        let limit = maxPayload
        let headerBytes = headers?.encoded ?? []
        let total = headerBytes.count + payload.count
        guard total <= limit else { throw NATSError.maxPayloadExceeded(size: total, max: limit) }
        var buffer = ByteBufferAllocator().buffer(capacity: subject.utf8.count + total + 64)
        let reply = replyTo.map { " \($0)" } ?? ""
        if headers != nil {
            buffer.writeString("HPUB \(subject)\(reply) \(headerBytes.count) \(total)\r\n")
            buffer.writeBytes(headerBytes)
        } else {
            buffer.writeString("PUB \(subject)\(reply) \(payload.count)\r\n")
        }
        buffer.writeBytes(payload)
        buffer.writeString("\r\n")
        try await write(buffer)
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
        try Self.validate(subject)
        let subscription = state.withLock { s -> NATSSubscription in
            let sid = s.nextSid
            s.nextSid += 1
            let sub = NATSSubscription(sid: sid, subject: subject, queue: queue, client: self)
            s.subscriptions[sid] = sub
            return sub
        }
        let queuePart = queue.map { " \($0)" } ?? ""
        try await write("SUB \(subject)\(queuePart) \(subscription.sid)\r\n")
        return subscription
    }

    func unsubscribe(_ sid: UInt64, after max: Int?) async throws {
        if let max {
            try await write("UNSUB \(sid) \(max)\r\n")
        } else {
            _ = state.withLock { $0.subscriptions.removeValue(forKey: sid) }?.finish()
            try await write("UNSUB \(sid)\r\n")
        }
    }

    // MARK: Flush and request/reply

    /// Waits until the server has processed everything sent before (PING/PONG barrier).
    public func flush(timeout: Duration = .seconds(5)) async throws {
        try await withDeadline(timeout, what: "NATS flush") { [self] in
            try await withCheckedThrowingContinuation { (c: CheckedContinuation<Void, any Error>) in
                let closed = state.withLock { s -> Bool in
                    if s.closed { return true }
                    s.pongWaiters.append(c)
                    return false
                }
                if closed { c.resume(throwing: NATSError.closed); return }
                Task { [self] in
                    do { try await write("PING\r\n") } catch { self.failPong(error) }
                }
            }
        }
    }

    /// Sends a request and waits for the first reply. A server "no responders" status
    /// (503) fails with `NATSError.noResponders`.
    public func request(_ subject: String, payload: Data = Data(), headers: NATSHeaders? = nil,
                        timeout: Duration = .seconds(5)) async throws -> NATSMessage {
        try await ensureMuxSubscription()
        let token = Self.token(12)
        let inbox = state.withLock { "\($0.inboxPrefix).\(token)" }
        do {
            return try await withDeadline(timeout, what: "request on \(subject)") { [self] in
                try await withCheckedThrowingContinuation { (c: CheckedContinuation<NATSMessage, any Error>) in
                    state.withLock { $0.requests[token] = c }
                    Task { [self] in
                        do {
                            try await publish(subject, payload: payload, headers: headers, replyTo: inbox)
                        } catch {
                            self.failRequest(token, error)
                        }
                    }
                }
            }
        } catch let error as ProbeError {
            failRequest(token, error)
            throw NATSError.timeout("no reply on '\(subject)' within \(timeout) (\(error))")
        }
    }

    private func ensureMuxSubscription() async throws {
        let needed = state.withLock { s -> (UInt64, String)? in
            guard s.muxSid == nil else { return nil }
            let sid = s.nextSid
            s.nextSid += 1
            s.muxSid = sid
            return (sid, s.inboxPrefix)
        }
        if let (sid, prefix) = needed {
            try await write("SUB \(prefix).* \(sid)\r\n")
        }
    }

    // MARK: Closing

    /// Closes the connection; subscriptions end and pending calls fail with `.closed`.
    public func close() async {
        let channel = channelBox.withLock { $0 }
        shutDown(error: NATSError.closed)
        try? await channel?.close()
    }

    /// Unsubscribes everything, flushes, then closes.
    public func drain(timeout: Duration = .seconds(5)) async throws {
        let sids = state.withLock { Array($0.subscriptions.keys) }
        for sid in sids { try await write("UNSUB \(sid)\r\n") }
        try await flush(timeout: timeout)
        await close()
    }

    public var isClosed: Bool { state.withLock { $0.closed } }

    // MARK: Internals

    func write(_ text: String) async throws {
        try await write(ByteBuffer(string: text))
    }

    func write(_ buffer: ByteBuffer) async throws {
        guard let channel = channelBox.withLock({ $0 }), !isClosed else { throw NATSError.closed }
        do {
            try await channel.writeAndFlush(buffer)
        } catch {
            throw NATSError.connectionFailed("write failed: \(error)")
        }
    }

    func handle(_ op: NATSServerOp) {
        switch op {
        case .info(let json):
            let info = (try? JSONValue.parse(json)) ?? .object([:])
            let waiter = state.withLock { s -> CheckedContinuation<Void, any Error>? in
                s.info = info
                if let max = info["max_payload"]?.doubleValue { s.maxPayload = Int(max) }
                defer { s.infoWaiter = nil }
                return s.infoWaiter
            }
            waiter?.resume()
        case .pong:
            let waiter = state.withLock { s -> CheckedContinuation<Void, any Error>? in
                s.pongWaiters.isEmpty ? nil : s.pongWaiters.removeFirst()
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

    private func failPong(_ error: any Error) {
        let waiter = state.withLock { s in s.pongWaiters.isEmpty ? nil : s.pongWaiters.removeLast() }
        waiter?.resume(throwing: error)
    }

    private func failRequest(_ token: String, _ error: any Error) {
        state.withLock { $0.requests.removeValue(forKey: token) }?.resume(throwing: error)
    }

    func shutDown(error: any Error) {
        let (subs, pongs, requests, info) = state.withLock { s in
            s.closed = true
            defer {
                s.subscriptions = [:]
                s.pongWaiters = []
                s.requests = [:]
                s.infoWaiter = nil
            }
            return (Array(s.subscriptions.values), s.pongWaiters, Array(s.requests.values), s.infoWaiter)
        }
        subs.forEach { $0.finish() }
        pongs.forEach { $0.resume(throwing: error) }
        requests.forEach { $0.resume(throwing: error) }
        info?.resume(throwing: error)
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

/// Feeds inbound bytes to the parser and operations to the client; answers server PINGs.
final class NATSInboundHandler: ChannelInboundHandler, @unchecked Sendable {
    typealias InboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    private var parser = NATSParser()
    private let client: NATSClient

    init(client: NATSClient) {
        self.client = client
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        var buffer = unwrapInboundIn(data)
        if let bytes = buffer.readBytes(length: buffer.readableBytes) { parser.append(bytes) }
        do {
            while let op = try parser.next() {
                if op == .ping {
                    context.writeAndFlush(wrapOutboundOut(ByteBuffer(string: "PONG\r\n")), promise: nil)
                }
                client.handle(op)
            }
        } catch {
            client.shutDown(error: error)
            context.close(promise: nil)
        }
    }

    func channelInactive(context: ChannelHandlerContext) {
        client.shutDown(error: NATSError.closed)
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        client.shutDown(error: NATSError.connectionFailed("\(error)"))
        context.close(promise: nil)
    }
}
