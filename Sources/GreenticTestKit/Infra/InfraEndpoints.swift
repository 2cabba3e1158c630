import Foundation

/// Where a test's infrastructure can be reached.
public struct InfraEndpoints: Sendable, Codable, Equatable {
    /// `native`, `compose` or `external`; empty when nothing was requested.
    public var backend: String
    /// One server's URL, or for a NATS cluster the nodes' URLs separated by commas (what
    /// `NATSClient.connect(url:)` and the runner's `--nats` take; see `natsURLs`).
    public var natsURL: String?
    public var databaseURL: String?
    public var redisURL: String?

    public init(backend: String = "", natsURL: String? = nil, databaseURL: String? = nil, redisURL: String? = nil) {
        self.backend = backend
        self.natsURL = natsURL
        self.databaseURL = databaseURL
        self.redisURL = redisURL
    }

    /// Whether the NATS server belongs to this test alone (the native backend starts one per
    /// test), so everything on it is the test's own traffic.
    public var natsIsPerTest: Bool { backend == "native" && natsURL != nil }

    /// Each NATS server's URL (one, or each node of a cluster).
    public var natsURLs: [String] { Self.urlList(natsURL ?? "") }

    /// The URLs of a comma-separated list, trimmed, empty entries left out.
    public static func urlList(_ list: String) -> [String] {
        list.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
    }

    public func url(for kind: InfraKind) -> String? {
        switch kind.service {
        case .nats: natsURL
        case .postgres: databaseURL
        case .redis: redisURL
        }
    }

    mutating func set(_ kind: InfraKind, _ url: String) {
        switch kind.service {
        case .nats: natsURL = url
        case .postgres: databaseURL = url
        case .redis: redisURL = url
        }
    }

    /// The host and port of a `scheme://[user[:pass]@]host:port[/…]` URL.
    public static func hostPort(_ url: String) -> (host: String, port: Int)? {
        guard let components = URLComponents(string: url), let host = components.host, let port = components.port else {
            return nil
        }
        return (host, port)
    }
}
