import ArgumentParser
import Foundation
import GreenticFixtureServer
import GreenticTestKit
import Logging

/// Logging to stderr for every command (`GREENTIC_LOG` or `RUST_LOG`-style level, default info).
enum CLILogging {
    static let bootstrap: Void = {
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            let env = ProcessInfo.processInfo.environment
            handler.logLevel = (env["GREENTIC_LOG"] ?? env["LOG_LEVEL"]).flatMap { Logger.Level(rawValue: $0.lowercased()) } ?? .info
            return handler
        }
    }()

    static func logger(_ label: String = "greentic-integration") -> Logger {
        _ = bootstrap
        return Logger(label: label)
    }
}
