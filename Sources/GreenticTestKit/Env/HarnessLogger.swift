import Foundation
import Logging

/// The harness's own diagnostics, to stderr (machine output alone goes to stdout).
package enum HarnessLogger {
    public static let shared: Logger = {
        var logger = Logger(label: "greentic.testkit") { label in StreamLogHandler.standardError(label: label) }
        let level = ProcessInfo.processInfo.environment["E2E_LOG_LEVEL"].flatMap { Logger.Level(rawValue: $0.lowercased()) }
        logger.logLevel = level ?? .notice
        return logger
    }()
}
