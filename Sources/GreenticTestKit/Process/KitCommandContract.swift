import Foundation

/// How the kit starts its own executable, `greentic-integration`: the subcommands, the flags,
/// the ready lines and the config keys. The CLI declares its commands and options from these
/// names and prints its ready lines with these functions; the spec builders (`ServiceSpec
/// .fixtureServer`, `TestEnv.startStack`) build arguments and readiness patterns from the same
/// ones, so renaming a flag or rewording a ready line changes both or does not compile.
package enum KitCommandContract {
    /// `greentic-integration serve`.
    package enum Serve {
        package static let command = "serve"

        /// The flags the kit passes.
        package enum Flag: String, CaseIterable {
            case listen, packs, watch
            package var argument: String { "--" + rawValue }
        }

        /// The line logged once the server is bound (a host with ':' is bracketed).
        package static func readyLine(host: String, port: Int) -> String {
            "listening on http://\(KitCommandContract.urlHost(host)):\(port)"
        }

        /// Matches `readyLine` for `host`, capturing the port as `port`.
        package static func readyPattern(host: String = "127.0.0.1") -> String {
            NSRegularExpression.escapedPattern(for: "listening on http://\(KitCommandContract.urlHost(host)):") + #"(?<port>\d+)"#
        }
    }

    /// `greentic-integration runner-sim`.
    package enum RunnerSim {
        package static let command = "runner-sim"

        /// The flags the kit passes.
        package enum Flag: String, CaseIterable {
            case nats, packs, listen, bindings, sessions, state, env
            case sessionsRedisPrefix = "sessions-redis-prefix", topicPrefix = "topic-prefix"
            case effectLog = "effect-log", attemptLog = "attempt-log", iacDir = "iac-dir", secretsDir = "secrets-dir"
            package var argument: String { "--" + rawValue }
        }

        /// The line logged once its HTTP surface is bound.
        package static func readyLine(host: String, port: Int) -> String {
            "runner-sim http listening on http://\(KitCommandContract.urlHost(host)):\(port)"
        }

        /// Matches `readyLine` for `host`, capturing the port as `port`.
        package static func readyPattern(host: String = "127.0.0.1") -> String {
            NSRegularExpression.escapedPattern(for: "runner-sim http listening on http://\(KitCommandContract.urlHost(host)):") + #"(?<port>\d+)"#
        }
    }

    /// Fixture server config keys the kit sets, as dotted paths (`stores.session.file_path`).
    package enum ConfigKey: String, CaseIterable {
        case sessionBackend = "stores.session.backend"
        case sessionFilePath = "stores.session.file_path"
        case sessionRedisURL = "stores.session.redis_url"
        case sessionRedisPrefix = "stores.session.redis_prefix"
        case runnerURL = "runner.url"

        /// The `GREENTIC_*` environment variable of the key (`__` between levels), as
        /// `ConfigLoader.environmentLayer` reads it.
        package var environmentName: String {
            "GREENTIC_" + rawValue.split(separator: ".").map { $0.uppercased() }.joined(separator: "__")
        }
    }

    static func urlHost(_ host: String) -> String { host.contains(":") ? "[\(host)]" : host }
}
