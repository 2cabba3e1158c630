import Foundation
import GreenticTestKit
import Synchronization

/// Records every message seen on a scenario's subjects, in arrival order, and mirrors it into
/// the timeline.
final class Wiretap: Sendable {
    struct Seen: Sendable {
        var sequence: Int
        var subscription: String
        var message: NATSMessage
        var at: ContinuousClock.Instant
    }

    private let seen = Mutex<[Seen]>([])
    let timeline: Timeline?

    init(timeline: Timeline?) {
        self.timeline = timeline
    }

    func record(_ message: NATSMessage, on subscription: String) {
        seen.withLock { $0.append(Seen(sequence: $0.count, subscription: subscription, message: message, at: .now)) }
        var data: [String: JSONValue] = [
            "subject": .string(message.subject), "subscription": .string(subscription),
            "payload": (try? JSONValue.parse(message.payload)) ?? .string(String(message.text.prefix(2000))),
        ]
        if let headers = message.headers {
            data["headers"] = .object(Dictionary(headers.entries.map { ($0.name, JSONValue.string($0.value)) }, uniquingKeysWith: { a, _ in a }))
        }
        if let reply = message.replyTo { data["reply_to"] = .string(reply) }
        timeline?.append(kind: "message", source: "wiretap", data: .object(data))
    }

    func messages(on subscription: String) -> [Seen] {
        seen.withLock { $0.filter { $0.subscription == subscription } }
    }

    func lastArrival(on subscription: String) -> ContinuousClock.Instant? {
        seen.withLock { $0.last { $0.subscription == subscription }?.at }
    }
}
