

/// Provisioned infrastructure and how to give it back.
public struct InfraLease: Sendable {
    public var endpoints: InfraEndpoints
    public var release: @Sendable () async -> Void

    public init(endpoints: InfraEndpoints, release: @escaping @Sendable () async -> Void = {}) {
        self.endpoints = endpoints
        self.release = release
    }
}
