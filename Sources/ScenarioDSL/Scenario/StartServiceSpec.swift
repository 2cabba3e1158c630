import Foundation
import GreenticTestKit

/// A service a scenario starts inside its TestEnv.
public struct StartServiceSpec: Sendable, Equatable {
    public var name: String
    public var executable: String
    public var arguments: [String]
    public var environment: [String: String]
    /// A regular expression its output must match to be ready.
    public var readyLog: String?

    public init(name: String, executable: String, arguments: [String] = [], environment: [String: String] = [:], readyLog: String? = nil) {
        self.name = name
        self.executable = executable
        self.arguments = arguments
        self.environment = environment
        self.readyLog = readyLog
    }
}
