/// Tenant and team applied when a request or command does not give one (`[defaults]`).
public struct TenantDefaults: Sendable, Equatable {
    public var tenant: String?
    public var team: String?

    public init(tenant: String? = nil, team: String? = nil) {
        self.tenant = tenant
        self.team = team
    }
}
