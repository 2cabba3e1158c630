import Synchronization

/// The identity of a session: (tenant, key).
public struct SessionKey: Hashable, Sendable {
    public var tenant: String
    public var key: String

    public init(tenant: String, key: String) {
        self.tenant = tenant
        self.key = key
    }

    init(_ r: SessionRecord) {
        self.init(tenant: r.tenant, key: r.key)
    }
}
