/// A piece of infrastructure a test can ask for: `.nats`, `.postgres`, `.redis`, or
/// `.natsCluster(nodes: 3)` (several `nats-server` processes with routes and clustered
/// JetStream; it stands for `.nats` too, so `env.natsURL()` gives the cluster's URL list).
public struct InfraKind: Sendable, Hashable, Codable, Comparable, CustomStringConvertible {
    /// The kind of server.
    public enum Service: String, Sendable, Codable, CaseIterable {
        case nats, postgres, redis
    }

    public let service: Service
    /// How many servers: more than one only for a NATS cluster.
    public let nodes: Int

    private init(_ service: Service, nodes: Int = 1) {
        self.service = service
        self.nodes = nodes
    }

    public static let nats = InfraKind(.nats)
    public static let postgres = InfraKind(.postgres)
    public static let redis = InfraKind(.redis)

    /// A NATS cluster of `nodes` servers (3 lets clustered JetStream keep its quorum when a
    /// node is lost; 1 or fewer is a single server, `.nats`).
    public static func natsCluster(nodes: Int = 3) -> InfraKind {
        InfraKind(.nats, nodes: max(1, nodes))
    }

    /// One server of each service.
    public static var allCases: [InfraKind] { Service.allCases.map { InfraKind($0) } }

    /// `nats`, `postgres`, `redis` (one server each).
    public init?(rawValue: String) {
        guard let service = Service(rawValue: rawValue) else { return nil }
        self.init(service)
    }

    /// `nats`, `postgres`, `redis`, or `nats-cluster-3`.
    public var rawValue: String { isCluster ? "nats-cluster-\(nodes)" : service.rawValue }
    public var description: String { rawValue }
    public var isCluster: Bool { service == .nats && nodes > 1 }

    /// The same service with one server (what an endpoint is looked up by).
    public var single: InfraKind { InfraKind(service) }

    public static func < (a: InfraKind, b: InfraKind) -> Bool { a.rawValue < b.rawValue }

    /// The variable naming an external instance (`E2E_NATS_URL`, …; a NATS cluster's is a
    /// comma-separated URL list).
    public var externalURLVariable: String {
        switch service {
        case .nats: "E2E_NATS_URL"
        case .postgres: "E2E_DATABASE_URL"
        case .redis: "E2E_REDIS_URL"
        }
    }
}
