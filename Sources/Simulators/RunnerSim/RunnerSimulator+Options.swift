import Foundation
import GreenticSessions

extension RunnerSimulator {
    /// How the simulator runs.
    public struct Options: Sendable {
        public var natsURL: String
        public var packsRoot: URL
        public var env = "dev"
        /// Put before every subject the simulator uses that has no `{env}` token: the flows' event
        /// topics (subscribed and published) and `dlq.{tenant}.{stage}`. Empty (the default) keeps
        /// the flows' own topics; `"<env>."` keeps two suites on one NATS apart. See
        /// `TopicPrefix.normalized(_:)` for what is accepted.
        public var topicPrefix = ""
        public var effectLog: URL?
        public var maxAttempts = 3
        public var backoffBase: Duration = .milliseconds(20)
        /// Component id → how many of its next attempts fail.
        public var failures: [String: Int] = [:]
        /// Extra delay before each message is handled.
        public var latency: Duration?
        /// Host folder mounted as `/iac` for `deploy.renderer` (plans are written there).
        public var iacDirectory: URL?
        /// The runner bindings; when set, flows naming an unbound provider or component are refused.
        package var bindings: RunnerBindings?
        public var bindingsPath = "bindings"
        /// Tenant secrets: `<dir>/<tenant>/secrets.json` (a JSON object of strings), read on use.
        public var secretsDirectory: URL?
        /// Every attempt, as JSON lines (see `AttemptLog`).
        public var attemptLog: URL?
        /// Where waiting flows are stored (share it with the fixture server to resume there).
        public var sessionStore: any SessionStore = MemorySessionStore()
        /// Where flow variables are kept per tenant.
        package var stateStore: any RunnerStateStore = MemoryRunnerStateStore()

        public init(natsURL: String, packsRoot: URL) {
            self.natsURL = natsURL
            self.packsRoot = packsRoot
        }
    }

    /// Counters for tests and `/healthz`.
    public struct Stats: Sendable, Equatable {
        public var handled = 0
        public var attempts = 0
        public var deadLettered = 0
        public var waiting = 0
        public var resumed = 0
    }
}
