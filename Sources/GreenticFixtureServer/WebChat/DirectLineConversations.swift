import Foundation
import GreenticTestKit

/// The Direct Line conversations of this server, in memory: each keeps its tenant context,
/// its last `maxActivities` activities and its stream subscribers. Watermarks are per
/// conversation, increasing integers (the sequence number of the last activity delivered);
/// trimming old activities never renumbers the rest. At most `maxConversations` are kept; the
/// least recently active one goes first.
public actor DirectLineConversations {
    /// One conversation.
    struct Conversation {
        var id: String
        var user: String
        var env: String
        var tenant: String
        var team: String?
        var activities: [JSONValue] = []
        /// Sequence number of the last activity appended (0 = none yet).
        var lastSequence = 0
        var lastActive: UInt64
        var subscribers: [UUID: AsyncStream<JSONValue>.Continuation] = [:]
    }

    public let maxActivities: Int
    public let maxConversations: Int
    private var conversations: [String: Conversation] = [:]

    public init(maxActivities: Int = 1024, maxConversations: Int = 10_000) {
        self.maxActivities = max(1, maxActivities)
        self.maxConversations = max(1, maxConversations)
    }

    /// Starts a conversation and returns its id.
    public func start(user: String, env: String, tenant: String, team: String?) -> String {
        if conversations.count >= maxConversations, let oldest = conversations.values.min(by: { $0.lastActive < $1.lastActive }) {
            conversations[oldest.id]?.subscribers.values.forEach { $0.finish() }
            conversations[oldest.id] = nil
        }
        let id = "conv-" + UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "").prefix(20)
        conversations[id] = Conversation(id: id, user: user, env: env, tenant: tenant, team: team, lastActive: DispatchTime.now().uptimeNanoseconds)
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
        }
        c.activities += stored
        if c.activities.count > maxActivities { c.activities.removeFirst(c.activities.count - maxActivities) }
        c.lastActive = DispatchTime.now().uptimeNanoseconds
        conversations[id] = c
        let frame: JSONValue = ["activities": .array(stored), "watermark": .string("\(c.lastSequence)")]
        for subscriber in c.subscribers.values { subscriber.yield(frame) }
        return stored
    }

    /// Activities after `watermark` (all kept ones when nil) and the new watermark; nil for an
    /// unknown conversation.
    public func activities(of id: String, after watermark: Int?) -> (activities: [JSONValue], watermark: Int)? {
        guard let c = conversations[id] else { return nil }
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

    static func timestamp() -> String {
        let f = ISO8601DateFormatter()
        f.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return f.string(from: Date())
    }
}
