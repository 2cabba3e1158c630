import Foundation
import GreenticTestKit

/// What a scenario runs against: a NATS connection, the fixture server, the TestEnv (for
/// services and the timeline), starting variables, and what the wiretap listens on.
package struct ScenarioContext: Sendable {
    public var nats: NATSClient?
    public var serverURL: String?
    public var env: TestEnv?
    public var timeline: Timeline?
    public var variables: ScenarioVariables
    /// Packs root of the running fixture server, for `install_pack`.
    public var packsRoot: String?
    /// Folder that relative paths in steps (pack sources) are resolved against.
    public var baseDirectory: URL
    /// Subjects (wildcards allowed) the wiretap records besides the scenario's own. nil: `>`
    /// when the NATS server is the test's own (the native backend, or `scenario run`), else the
    /// test's subject prefix and the Greentic subject families (`greentic.>`).
    public var wiretap: [String]?

    public init(nats: NATSClient? = nil, serverURL: String? = nil, env: TestEnv? = nil, timeline: Timeline? = nil,
                variables: ScenarioVariables = ScenarioVariables(), packsRoot: String? = nil,
                baseDirectory: URL = URL(fileURLWithPath: FileManager.default.currentDirectoryPath), wiretap: [String]? = nil) {
        self.nats = nats
        self.serverURL = serverURL
        self.env = env
        self.timeline = timeline ?? env?.timeline
        self.variables = variables
        self.packsRoot = packsRoot
        self.baseDirectory = baseDirectory
        self.wiretap = wiretap
    }

    /// The wiretap's subjects when none were given: everything on the test's own server; on a
    /// shared one, only the test's names (its subject prefix, the Greentic subjects of its env,
    /// and the event topics and dead letters behind `<env>.`), so other suites' traffic stays
    /// out of its timeline.
    func defaultWiretap() -> [String] {
        guard let env else { return [">"] }
        return Self.defaultWiretap(perTest: env.endpoints.natsIsPerTest, subjectPrefix: env.subjectPrefix, greenticEnv: env.greenticEnv)
    }

    package static func defaultWiretap(perTest: Bool, subjectPrefix: String, greenticEnv: String) -> [String] {
        if perTest { return [">"] }
        return ["\(subjectPrefix).>", "greentic.messaging.*.\(greenticEnv).>", "\(greenticEnv).>"]
    }
}
