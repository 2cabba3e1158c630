import Foundation

/// Everything needed to run one service the same way whatever it is: nats-server, postgres,
/// redis, the fixture server, a simulator or a real Greentic binary.
public struct ServiceSpec: Sendable {
    /// Unique within a test; names the log file `logs/<name>.log`.
    public var name: String
    /// A path, or a bare name looked up on `PATH` (and `searchPaths`).
    public var executable: String
    public var arguments: [String]
    /// Added to (and overriding) the inherited environment.
    public var environment: [String: String]
    public var inheritEnvironment: Bool
    public var workingDirectory: URL?
    public var readiness: Readiness
    /// How long readiness may take before the start fails.
    public var readinessTimeout: Duration
    /// Signal sent to the process group to stop it, before `SIGKILL` after `stopGrace`.
    public var stopSignal: Int32
    public var stopGrace: Duration
    /// Extra folders searched for a bare executable name, before `PATH`.
    public var searchPaths: [String]
    /// Run as another user (used to run Postgres unprivileged when the harness is root).
    package var runAs: SystemUser?
    /// The executable is the kit's own `greentic-integration`: when it is not found it is built
    /// once (see `GreenticBinaries`) instead of failing.
    package var isKitExecutable = false

    public init(name: String, executable: String, arguments: [String] = [], environment: [String: String] = [:],
                inheritEnvironment: Bool = true, workingDirectory: URL? = nil, readiness: Readiness = .none,
                readinessTimeout: Duration = .seconds(30), stopSignal: Int32 = SIGTERM, stopGrace: Duration = .seconds(5),
                searchPaths: [String] = []) {
        self.name = name
        self.executable = executable
        self.arguments = arguments
        self.environment = environment
        self.inheritEnvironment = inheritEnvironment
        self.workingDirectory = workingDirectory
        self.readiness = readiness
        self.readinessTimeout = readinessTimeout
        self.stopSignal = stopSignal
        self.stopGrace = stopGrace
        self.searchPaths = searchPaths
    }

    /// The same spec run as another account (Postgres, when the harness runs as root).
    package func running(as user: SystemUser?) -> ServiceSpec {
        var spec = self
        spec.runAs = user
        return spec
    }
}
