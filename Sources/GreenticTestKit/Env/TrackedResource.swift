

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
