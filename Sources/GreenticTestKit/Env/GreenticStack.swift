import Foundation

/// A booted Greentic stack: infrastructure, the runner (the real `greentic-runner` when found,
/// else the runner simulator) and the fixture server bridged to it.
public struct GreenticStack: Sendable {
    /// The `{env}` token of the stack's subjects (`TestEnv.greenticEnv`).
    public var env: String
    public var natsURL: String
    public var databaseURL: String?
    public var redisURL: String?
    public var runnerURL: String
    public var fixtureServerURL: String
    /// `greentic-runner` or `runner-sim`.
    public var runnerKind: String
    public var runnerBinary: String

    public var json: JSONValue {
        [
            "env": .string(env), "nats_url": .string(natsURL), "database_url": databaseURL.map { .string(EnvironmentSnapshot.redactURL($0)) } ?? .null,
            "redis_url": redisURL.map { .string($0) } ?? .null, "runner_url": .string(runnerURL),
            "fixture_server_url": .string(fixtureServerURL), "runner": .string(runnerKind), "runner_binary": .string(runnerBinary),
        ]
    }
}
