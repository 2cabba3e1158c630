import Foundation
import GreenticTestKit
import Synchronization

/// A stored session: a flow waiting at a node for a user of a tenant. Identified by
/// (tenant, key): the same key under two tenants is two sessions.
public struct SessionRecord: Sendable, Equatable {
    public var key: String
    public var tenant: String
    public var team: String?
    public var user: String?
    public var flowID: String?
    public var nodeID: String?
    public var context: JSONValue
    public var updatedAtEpochMs: UInt64

    public init(key: String, tenant: String, team: String? = nil, user: String? = nil, flowID: String? = nil,
                nodeID: String? = nil, context: JSONValue = .null, updatedAtEpochMs: UInt64 = 0) {
        self.key = key
        self.tenant = tenant
        self.team = team
        self.user = user
        self.flowID = flowID
        self.nodeID = nodeID
        self.context = context
        self.updatedAtEpochMs = updatedAtEpochMs
    }

    /// The persisted shape (flat, field order as the original's `SessionRecord`).
    public var storedJSON: OrderedJSON {
        .object([
            ("key", .string(key)), ("tenant", .string(tenant)), ("team", .string(team)), ("user", .string(user)),
            ("flow_id", .string(flowID)), ("node_id", .string(nodeID)), ("context", .value(context)),
            ("updated_at_epoch_ms", .number(Double(updatedAtEpochMs))),
        ])
    }

    /// The HTTP view: flow and node nested under `cursor`.
    public var viewJSON: OrderedJSON {
        .object([
            ("key", .string(key)), ("tenant", .string(tenant)), ("team", .string(team)), ("user", .string(user)),
            ("cursor", .object([("flow_id", .string(flowID)), ("node_id", .string(nodeID))])),
            ("context", .value(context)), ("updated_at_epoch_ms", .number(Double(updatedAtEpochMs))),
        ])
    }

    /// Reads the persisted shape; every field but `key` and `tenant` may be missing.
    public init(stored value: JSONValue) throws {
        guard case .object(let o) = value else { throw SessionStoreError.corruptRecord("not a JSON object") }
        guard let key = o["key"]?.stringValue else { throw SessionStoreError.corruptRecord("missing string 'key'") }
        guard let tenant = o["tenant"]?.stringValue else { throw SessionStoreError.corruptRecord("missing string 'tenant' for key \(key)") }
        func optionalString(_ name: String) throws -> String? {
            switch o[name] {
            case nil, .null?: return nil
            case .string(let s)?: return s
            default: throw SessionStoreError.corruptRecord("'\(name)' of \(key) is not a string")
            }
        }
        var updated: UInt64 = 0
        if let n = o["updated_at_epoch_ms"] {
            guard case .number(let d) = n, d >= 0 else { throw SessionStoreError.corruptRecord("'updated_at_epoch_ms' of \(key) is not a number") }
            updated = UInt64(d)
        }
        self.init(key: key, tenant: tenant, team: try optionalString("team"), user: try optionalString("user"),
                  flowID: try optionalString("flow_id"), nodeID: try optionalString("node_id"),
                  context: o["context"] ?? .null, updatedAtEpochMs: updated)
    }

    /// Milliseconds since the Unix epoch, now, and strictly later than any stamp this process
    /// gave before: two upserts within one millisecond still list newest first (listing orders
    /// by this stamp), and a wall clock stepping back does not reorder them.
    public static func nowMs() -> UInt64 {
        let wall = UInt64((Date().timeIntervalSince1970 * 1000).rounded(.down))
        return stamps.withLock { $0.next(wall: wall) }
    }

    private static let stamps = Mutex(MonotonicMillis())
}

/// Orders records deterministically: most recently updated first, then tenant, then key.
public func sessionOrder(_ a: SessionRecord, _ b: SessionRecord) -> Bool {
    if a.updatedAtEpochMs != b.updatedAtEpochMs { return a.updatedAtEpochMs > b.updatedAtEpochMs }
    if a.tenant != b.tenant { return a.tenant < b.tenant }
    return a.key < b.key
}
