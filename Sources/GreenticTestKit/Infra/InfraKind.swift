/// A piece of infrastructure a test can ask for.
public enum InfraKind: String, Sendable, Codable, CaseIterable, Comparable {
    case nats, postgres, redis

    public static func < (a: InfraKind, b: InfraKind) -> Bool { a.rawValue < b.rawValue }

    /// The variable naming an external instance (`E2E_NATS_URL`, …).
    public var externalURLVariable: String {
        switch self {
        case .nats: "E2E_NATS_URL"
        case .postgres: "E2E_DATABASE_URL"
        case .redis: "E2E_REDIS_URL"
        }
    }
}

import Foundation
