/// How a service declares that it is ready. Never a sleep.
///
/// Checks compose: `.all` runs its checks in order (later checks may use values captured by
/// earlier ones, written `${name}`), `.any` succeeds with the first check that does. Strings in
/// checks are templates: `${port}` is replaced by a value captured from a log line. A check the
/// kit does not have is a `ReadinessCheck` of your own, used as `.custom(check)`. Every check has
/// a description (URL passwords and secret-looking query values redacted) that a readiness
/// timeout and the timeline's `starting` event show.
public indirect enum Readiness: Sendable, CustomStringConvertible {
    /// Ready at once (or when nothing can be checked).
    case none
    /// A line of the service's output matches the regular expression; its named groups
    /// (`(?<port>\d+)`) become captures.
    case logLine(String)
    /// A TCP connection to host:port succeeds.
    case tcp(host: String, port: String)
    /// An HTTP GET of the URL answers with the status.
    case http(url: String, status: Int)
    /// A protocol-level probe answers.
    case probe(ProtocolProbe)
    /// A check of your own: ready when its `attempt` returns without throwing.
    case custom(any ReadinessCheck)
    case all([Readiness])
    case any([Readiness])

    public var description: String {
        switch self {
        case .none: "nothing (ready at once)"
        case .logLine(let pattern): "an output line matching /\(pattern)/"
        case .tcp(let host, let port): "a TCP connection to \(host):\(port)"
        case .http(let url, let status): "HTTP \(status) from GET \(EnvironmentSnapshot.redactURL(url))"
        case .probe(let probe): probe.description
        case .custom(let check): check.description
        case .all(let checks): "all of [\(checks.map(\.description).joined(separator: "; "))]"
        case .any(let checks): "any of [\(checks.map(\.description).joined(separator: "; "))]"
        }
    }
}

extension Readiness {
    /// The standard readiness of a NATS server started with `-p -1`: its port from the log,
    /// then a NATS PING.
    public static var natsServer: Readiness {
        .all([
            .logLine(#"Listening for client connections on [^\s]+:(?<port>\d+)"#),
            .probe(.nats(host: "127.0.0.1", port: "${port}")),
        ])
    }
}
