/// Something a test left behind when its environment ended: a process still running, a NATS
/// connection opened through the kit and never closed, a Postgres database or a JetStream
/// stream still present. Reported as a warning, and as a failure under `CI` / `E2E_STRICT=1`;
/// the environment reclaims it (kills, closes, drops, deletes) after reporting it.
public struct ResourceLeak: Sendable, Equatable, CustomStringConvertible {
    /// What kind of resource leaked.
    public enum Kind: String, Sendable, Equatable {
        case process
        case natsConnection = "nats connection"
        case database = "postgres database"
        case stream = "jetstream stream"
    }

    public var kind: Kind
    /// Which one, in words a person can look up (pid and command, URL, name).
    public var detail: String

    public init(kind: Kind, detail: String) {
        self.kind = kind
        self.detail = detail
    }

    public var description: String { "\(kind.rawValue) \(detail)" }

    /// One line listing the leaks, for logs and failure messages.
    static func summary(_ leaks: [ResourceLeak], test: String) -> String {
        "\(test) left \(leaks.count == 1 ? "a resource" : "\(leaks.count) resources") behind (reclaimed): "
            + leaks.map(\.description).joined(separator: "; ")
    }
}

/// A resource the environment checks when the test's scope ends, registered by the code that
/// created it (the NATS client, JetStream, the Postgres backend).
package struct TrackedResource: Sendable {
    /// When the check runs: right after the body and the teardown hooks (while the test's
    /// infrastructure still runs), or after the services stopped and the infrastructure was
    /// given back.
    package enum CheckPoint: Sendable {
        case bodyEnded
        case infraReleased
    }

    package var kind: ResourceLeak.Kind
    package var detail: String
    /// Resources registered twice with the same key (a stream created twice) are checked once.
    package var key: String?
    package var point: CheckPoint
    /// Whether the resource still exists (false when that cannot be told).
    package var stillHeld: @Sendable () async -> Bool
    /// Gives the resource back after it was reported.
    package var reclaim: @Sendable () async -> Void

    package init(kind: ResourceLeak.Kind, detail: String, key: String? = nil, point: CheckPoint,
                 stillHeld: @escaping @Sendable () async -> Bool,
                 reclaim: @escaping @Sendable () async -> Void) {
        self.kind = kind
        self.detail = detail
        self.key = key
        self.point = point
        self.stillHeld = stillHeld
        self.reclaim = reclaim
    }
}
