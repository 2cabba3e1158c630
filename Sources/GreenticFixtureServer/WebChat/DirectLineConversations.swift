import Foundation
import GreenticTestKit

/// The Direct Line conversations of this server, in memory: each keeps its tenant context, its
/// latest activities (at most `maxActivities` and `maxBytes` of them, oldest dropped first) and
/// its stream subscribers. Watermarks are per conversation, increasing integers (the sequence
/// number of the last activity delivered); trimming old activities never renumbers the rest.
/// At most `maxConversations` are kept: when full, a new one replaces the least recently used
/// conversation only if that one has no stream and was idle for `idleBeforeEviction` (a token
/// lifetime, so a conversation someone can still use is never taken away); otherwise `start`
/// returns nil and the route answers 429. Memory is bounded by `maxConversations × maxBytes`.
package actor DirectLineConversations {
    /// One conversation.
    struct Conversation {
        var id: String
        var user: String
        var env: String
        var tenant: String
        var team: String?
        var activities: [JSONValue] = []
        /// Encoded size of each kept activity, parallel to `activities`.
        var sizes: [Int] = []
        var bytes = 0
        /// Sequence number of the last activity appended (0 = none yet).
        var lastSequence = 0
        var lastActive: UInt64
        var subscribers: [UUID: AsyncStream<JSONValue>.Continuation] = [:]
    }

    public let maxActivities: Int
    public let maxBytes: Int
    public let maxConversations: Int
    public let idleBeforeEviction: Duration
    private let now: @Sendable () -> UInt64
    private var conversations: [String: Conversation] = [:]

    /// `now` is a monotonic clock in nanoseconds (replaceable in tests).
    public init(maxActivities: Int = 1024, maxBytes: Int = 262_144, maxConversations: Int = 1000, idleBeforeEviction: Duration = .seconds(1800),
                now: @escaping @Sendable () -> UInt64 = { DispatchTime.now().uptimeNanoseconds }) {
        self.maxActivities = max(1, maxActivities)
        self.maxBytes = max(1, maxBytes)
        self.maxConversations = max(1, maxConversations)
        self.idleBeforeEviction = idleBeforeEviction
        self.now = now
    }

    /// Starts a conversation and returns its id; nil when the server is full of conversations
    /// that are still in use.
    public func start(user: String, env: String, tenant: String, team: String?) -> String? {
        let time = now()
        if conversations.count >= maxConversations {
            let idle = UInt64(max(0, idleBeforeEviction.wholeNanoseconds))
            guard let oldest = conversations.values.filter({ $0.subscribers.isEmpty }).min(by: { $0.lastActive < $1.lastActive }),
                  time >= oldest.lastActive, time - oldest.lastActive >= idle else { return nil }
            conversations[oldest.id] = nil
        }
        let id = "conv-" + UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "").prefix(20)
        conversations[id] = Conversation(id: id, user: user, env: env, tenant: tenant, team: team, lastActive: time)
        return id
    }

    /// The tenant context of a conversation, nil when unknown.
    public func context(of id: String) -> (user: String, env: String, tenant: String, team: String?)? {
        conversations[id].map { ($0.user, $0.env, $0.tenant, $0.team) }
    }

    /// Appends activities (each gets `id`, `timestamp`, `conversation` and `channelId` when
    /// missing) and pushes them to the stream subscribers as one frame. Returns the stored
    /// activities, or nil for an unknown conversation.
    public func append(_ new: [JSONValue], to id: String) -> [JSONValue]? {
        guard var c = conversations[id] else { return nil }
        var stored: [JSONValue] = []
        for activity in new {
            c.lastSequence += 1
            var a = activity.objectValue ?? [:]
            if a["id"]?.stringValue == nil { a["id"] = .string("\(id)|\(String(format: "%07d", c.lastSequence))") }
            a["timestamp"] = a["timestamp"] ?? .string(Self.timestamp())
            a["conversation"] = ["id": .string(id)]
            a["channelId"] = a["channelId"] ?? "directline"
            a["watermark"] = .string("\(c.lastSequence)")
            stored.append(.object(a))
            let size = JSONWriter.compact(.object(a)).utf8.count
            c.sizes.append(size)
            c.bytes += size
        }
        c.activities += stored
        // Oldest first, down to both bounds; the newest activity always stays.
        var drop = 0
        var bytes = c.bytes
        while c.activities.count - drop > 1, c.activities.count - drop > maxActivities || bytes > maxBytes {
            bytes -= c.sizes[drop]
            drop += 1
        }
        if drop > 0 {
            c.activities.removeFirst(drop)
            c.sizes.removeFirst(drop)
            c.bytes = bytes
        }
        c.lastActive = now()
        conversations[id] = c
        let frame: JSONValue = ["activities": .array(stored), "watermark": .string("\(c.lastSequence)")]
        for subscriber in c.subscribers.values { subscriber.yield(frame) }
        return stored
    }

    /// Activities after `watermark` (all kept ones when nil) and the new watermark; nil for an
    /// unknown conversation.
    public func activities(of id: String, after watermark: Int?) -> (activities: [JSONValue], watermark: Int)? {
        guard let c = conversations[id] else { return nil }
        conversations[id]?.lastActive = now()
        let after = watermark ?? 0
        let list = c.activities.filter { Int($0["watermark"]?.stringValue ?? "") ?? 0 > after }
        return (list, max(after, c.lastSequence))
    }

    /// A stream of `{activities, watermark}` frames: first the activities after `watermark`
    /// (always sent, possibly empty), then every append. Ends when the conversation goes away.
    public func subscribe(_ id: String, after watermark: Int?) -> (stream: AsyncStream<JSONValue>, token: UUID)? {
        guard let backlog = activities(of: id, after: watermark) else { return nil }
        let (stream, continuation) = AsyncStream<JSONValue>.makeStream(bufferingPolicy: .bufferingNewest(1024))
        continuation.yield(["activities": .array(backlog.activities), "watermark": .string("\(backlog.watermark)")])
        let token = UUID()
        conversations[id]?.subscribers[token] = continuation
        return (stream, token)
    }

    public func unsubscribe(_ id: String, token: UUID) {
        conversations[id]?.subscribers[token]?.finish()
        conversations[id]?.subscribers[token] = nil
    }

    public var count: Int { conversations.count }

    /// Bytes of activity history kept, over all conversations.
    public var storedBytes: Int { conversations.values.reduce(0) { $0 + $1.bytes } }

    static func timestamp() -> String {
        let f = ISO8601DateFormatter()
        f.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return f.string(from: Date())
    }
}
