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
