/// How a service declares that it is ready. Never a sleep.
///
/// Checks compose: `.all` runs its checks in order (later checks may use values captured by
/// earlier ones, written `${name}`), `.any` succeeds with the first check that does. Strings in
/// checks are templates: `${port}` is replaced by a value captured from a log line.
public indirect enum Readiness: Sendable {
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
    case all([Readiness])
    case any([Readiness])
}

/// A protocol conversation proving a server is serving, not merely listening.
public enum ProtocolProbe: Sendable {
    /// NATS: INFO received, CONNECT + PING answered with PONG.
    case nats(host: String, port: String)
    /// Redis: PING answered with +PONG.
    case redis(host: String, port: String)
    /// Postgres: connect with libpq and run `SELECT 1`. The string is a libpq URL template.
    case postgres(url: String)
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
