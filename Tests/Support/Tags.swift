import Testing

/// Areas, for `swift test --filter` and test reports.
extension Tag {
    @Tag public static var services: Self
    @Tag public static var nats: Self
    @Tag public static var postgres: Self
    @Tag public static var redis: Self
    @Tag public static var infra: Self
    @Tag public static var reaper: Self
    @Tag public static var compose: Self
    @Tag public static var cli: Self
}

extension Tag {
    @Tag public static var server: Self
    @Tag public static var sessions: Self
    @Tag public static var durability: Self
}

extension Tag {
    @Tag public static var simulators: Self
}

extension Tag {
    @Tag public static var scenario: Self
}

extension Tag {
    @Tag public static var providersSim: Self
    @Tag public static var runnerSmoke: Self
    @Tag public static var packTooling: Self
}
