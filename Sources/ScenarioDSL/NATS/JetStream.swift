import Foundation
import GreenticTestKit

/// JetStream basics over a `NATSClient` (`$JS.API`): streams (add, info, delete), publish with
/// an acknowledgement, and durable pull consumers (create, fetch, ack).
public struct JetStream: Sendable {
    public let client: NATSClient
    public let timeout: Duration

    public init(client: NATSClient, timeout: Duration = .seconds(5)) {
        self.client = client
        self.timeout = timeout
    }

    /// The server's acknowledgement of a stored message.
    public struct PublishAck: Sendable, Equatable {
        public var stream: String
        public var sequence: UInt64
        public var duplicate: Bool
    }

    /// Creates a stream (memory storage unless `fileStorage`; `replicas` copies on a cluster).
    /// Returns the server's stream info. Inside a `TestEnv`, a stream still on the server when
    /// the test ends is reported as a leak.
    @discardableResult
    public func addStream(name: String, subjects: [String], fileStorage: Bool = false, replicas: Int = 1) async throws -> JSONValue {
        let info = try await api("STREAM.CREATE.\(name)", [
            "name": .string(name), "subjects": .array(subjects.map { .string($0) }),
            "storage": fileStorage ? "file" : "memory", "retention": "limits", "discard": "old",
            "num_replicas": .number(Double(replicas)),
        ])
        if let env = TestEnv.current {
            let url = client.url
            env.track(TrackedResource(
                kind: .stream, detail: "\(name) on \(url), never deleted", key: "stream \(url) \(name)", point: .bodyEnded,
                stillHeld: { await Self.onServer(url) { try await $0.streamInfo(name) } != nil },
                reclaim: { _ = await Self.onServer(url) { try await $0.deleteStream(name) } }))
        }
        return info
    }

    /// Runs one call on a fresh connection (nil when the server or the call fails).
    static func onServer<T: Sendable>(_ url: String, _ call: @Sendable (JetStream) async throws -> T) async -> T? {
        guard let client = try? await NATSClient.connect(url: url, name: "greentic-testkit-leak-check", timeout: .seconds(2)) else { return nil }
        let result = try? await call(JetStream(client: client, timeout: .seconds(2)))
        await client.close()
        return result
    }

    public func streamInfo(_ name: String) async throws -> JSONValue {
        try await api("STREAM.INFO.\(name)", nil)
    }

    public func deleteStream(_ name: String) async throws {
        _ = try await api("STREAM.DELETE.\(name)", nil)
    }

    /// The names of the account's streams. On a cluster the JetStream meta leader answers, so
    /// this fails while the cluster has none (after losing the leader, until a new one is
    /// elected); `waitForMetaLeader(within:)` waits for that.
    public func streamNames() async throws -> [String] {
        let json = try await api("STREAM.NAMES", [:])
        return json["streams"]?.arrayValue?.compactMap(\.stringValue) ?? []
    }

    /// Waits until the JetStream API answers requests that need the meta leader (a cluster that
    /// lost its leader elects another within a few seconds); throws the last failure when it
    /// still does not answer by then.
    public func waitForMetaLeader(within limit: Duration = .seconds(30)) async throws {
        _ = try await Self.untilAnswered(within: limit) { _ = try await JetStream(client: client, timeout: .seconds(1)).streamNames() }
    }

    /// The stream's info once its leader answers (on a cluster that lost the node leading the
    /// stream, the others elect a new one first); throws the last failure after `limit`.
    public func waitForStream(_ name: String, within limit: Duration = .seconds(30)) async throws -> JSONValue {
        try await Self.untilAnswered(within: limit) { try await JetStream(client: client, timeout: .seconds(1)).streamInfo(name) }
    }

    /// Runs `call` until it answers, every 100 ms, up to `limit`.
    private static func untilAnswered<T: Sendable>(within limit: Duration, _ call: () async throws -> T) async throws -> T {
        let deadline = ContinuousClock.now + limit
        while true {
            do {
                return try await call()
            } catch {
                if ContinuousClock.now >= deadline { throw error }
            }
            try await Task.sleep(for: .milliseconds(100))
        }
    }

    /// Publishes and waits for the stream's acknowledgement.
    public func publish(_ subject: String, payload: Data, headers: NATSHeaders? = nil) async throws -> PublishAck {
        let reply = try await client.request(subject, payload: payload, headers: headers, timeout: timeout)
        let json = try Self.checked(reply, what: "publish to \(subject)")
        guard let stream = json["stream"]?.stringValue, let seq = json["seq"]?.doubleValue else {
            throw JetStreamError.unexpected("publish ack without stream/seq: \(reply.text.prefix(200))")
        }
        return PublishAck(stream: stream, sequence: UInt64(seq), duplicate: json["duplicate"]?.boolValue ?? false)
    }

    /// Creates (or updates) a durable pull consumer with explicit acks.
    @discardableResult
    public func addPullConsumer(stream: String, durable: String, filterSubject: String? = nil) async throws -> JSONValue {
        var config: [String: JSONValue] = ["durable_name": .string(durable), "ack_policy": "explicit", "deliver_policy": "all"]
        if let filterSubject { config["filter_subject"] = .string(filterSubject) }
        return try await api("CONSUMER.DURABLE.CREATE.\(stream).\(durable)", ["stream_name": .string(stream), "config": .object(config)])
    }

    /// Fetches up to `batch` messages, waiting at most `expires` for them.
    public func fetch(stream: String, consumer: String, batch: Int, expires: Duration = .seconds(1)) async throws -> [NATSMessage] {
        let inbox = "_INBOX.fetch." + NATSClient.token(16)
        let sub = try await client.subscribe(inbox)
        return try await withAsyncCleanup({
            let nanos = expires.wholeNanoseconds
            let request: JSONValue = ["batch": .number(Double(batch)), "expires": .number(Double(nanos))]
            try client.publish("$JS.API.CONSUMER.MSG.NEXT.\(stream).\(consumer)", payload: Data(JSONWriter.compact(request).utf8), replyTo: inbox)
            var messages: [NATSMessage] = []
            let deadline = ContinuousClock.now + expires + .milliseconds(500)
            while messages.count < batch {
                let left = deadline - ContinuousClock.now
                guard left > .zero, let message = await sub.next(timeout: left) else { break }
                if let status = message.status {
                    if status == 404 || status == 408 || status == 409 { break }
                    continue
                }
                messages.append(message)
            }
            return messages
        }, cleanup: { try? await sub.unsubscribe() })
    }

    /// Acknowledges a fetched message.
    public func ack(_ message: NATSMessage) async throws {
        guard let reply = message.replyTo else { throw JetStreamError.unexpected("message on \(message.subject) has no ack subject") }
        try client.publish(reply, text: "+ACK")
    }

    func api(_ path: String, _ body: JSONValue?) async throws -> JSONValue {
        let payload = body.map { Data(JSONWriter.compact($0).utf8) } ?? Data()
        let reply = try await client.request("$JS.API.\(path)", payload: payload, timeout: timeout)
        return try Self.checked(reply, what: path)
    }

    static func checked(_ reply: NATSMessage, what: String) throws -> JSONValue {
        let json: JSONValue
        do { json = try JSONValue.parse(reply.payload) } catch {
            throw JetStreamError.unexpected("\(what): reply is not JSON: \(reply.text.prefix(200))")
        }
        if let error = json["error"] {
            throw JetStreamError.api(code: Int(error["code"]?.doubleValue ?? 0), description: error["description"]?.stringValue ?? "\(error)")
        }
        return json
    }
}
