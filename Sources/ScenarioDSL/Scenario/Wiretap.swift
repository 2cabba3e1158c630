import Foundation
import GreenticTestKit
import Synchronization

/// Records every message seen on a scenario's subjects, in the order the NATS client read them
/// off the connection, and mirrors it into the timeline.
///
/// Order comes from the message's `arrival` number, stamped by the client as it parses the
/// frame, never from when a subscription's consumer got to it: each subscription is drained by
/// its own task, and under load one task can run well after another although its message came
/// first. Within one subscription delivery is first-in first-out, so a message not recorded yet
/// always arrived after every recorded message of the same subscription.
final class Wiretap: Sendable {
    struct Seen: Sendable {
        /// The client's arrival number (`NATSMessage.arrival`).
        var sequence: Int
        var subscription: String
        var message: NATSMessage
        var at: ContinuousClock.Instant
    }

    /// Per subscription, in delivery order (which is arrival order: one subscription's
    /// messages are delivered first-in first-out).
    private let seen = Mutex<[String: [Seen]]>([:])
    let timeline: Timeline?

    init(timeline: Timeline?) {
        self.timeline = timeline
    }

    func record(_ message: NATSMessage, on subscription: String) {
        let entry = Seen(sequence: Int(message.arrival), subscription: subscription, message: message, at: message.receivedAt ?? .now)
        seen.withLock { $0[subscription, default: []].append(entry) }
        var data: [String: JSONValue] = [
            "subject": .string(message.subject), "subscription": .string(subscription),
            "arrival": .number(Double(message.arrival)),
            "payload": (try? JSONValue.parse(message.payload)) ?? .string(String(message.text.prefix(2000))),
        ]
        if let headers = message.headers {
            data["headers"] = .object(Dictionary(headers.entries.map { ($0.name, JSONValue.string($0.value)) }, uniquingKeysWith: { a, _ in a }))
        }
        if let reply = message.replyTo { data["reply_to"] = .string(reply) }
        timeline?.append(kind: "message", source: "wiretap", data: .object(data))
    }

    /// The messages of one subscription, in arrival order.
    func messages(on subscription: String) -> [Seen] {
        seen.withLock { $0[subscription] ?? [] }
    }

    /// The messages of one subscription from position `start` on (for checking only what is new).
    func messages(on subscription: String, from start: Int) -> ArraySlice<Seen> {
        seen.withLock { all in
            guard let list = all[subscription], start < list.count else { return [] }
            return list[start...]
        }
    }

    func lastArrival(on subscription: String) -> ContinuousClock.Instant? {
        seen.withLock { $0[subscription]?.last?.at }
    }
}
