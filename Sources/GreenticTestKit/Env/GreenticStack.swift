import Foundation

/// A booted Greentic stack: infrastructure, the runner (the real `greentic-runner` when found,
/// else the runner simulator) and the fixture server bridged to it.
public struct GreenticStack: Sendable {
    /// The `{env}` token of the stack's subjects (`TestEnv.greenticEnv`).
    public var env: String
    /// What the runner puts before the subjects that have no `{env}` token (the flows' event
    /// topics and `dlq.…`): `"<env>."` for the runner simulator, empty for the real runner, whose
    /// topics are the flows' own. Use `topic(_:)` to name them.
    public var topicPrefix: String
    /// One server's URL, or a NATS cluster's node URLs separated by commas (see `natsURLs`).
    public var natsURL: String
    public var databaseURL: String?
    public var redisURL: String?
    public var runnerURL: String
    public var fixtureServerURL: String
    /// `greentic-runner` or `runner-sim`.
    public var runnerKind: String
    public var runnerBinary: String

    /// The subject the stack's runner uses for a flow topic or a dead-letter subject
    /// (`topic("greentic.repo.build.request")`, `topic("dlq.acme.ingress")`).
    public func topic(_ base: String) -> String { topicPrefix + base }

    public var json: JSONValue {
        [
            "env": .string(env), "topic_prefix": .string(topicPrefix), "nats_url": .string(natsURL),
            "nats_urls": .array(InfraEndpoints.urlList(natsURL).map { .string($0) }), "database_url": databaseURL.map { .string(EnvironmentSnapshot.redactURL($0)) } ?? .null,
            "redis_url": redisURL.map { .string($0) } ?? .null, "runner_url": .string(runnerURL),
            "fixture_server_url": .string(fixtureServerURL), "runner": .string(runnerKind), "runner_binary": .string(runnerBinary),
        ]
    }
}
