import Foundation
import GreenticTestKit

extension TestEnv {
    /// Runs a scenario against this environment's NATS (when requested), timeline and services;
    /// throws `ScenarioError.stepFailed` naming the step, what arrived, and the timeline path.
    /// `wiretap`: subjects to record besides the scenario's (default: see `ScenarioContext`).
    public func run(_ scenario: Scenario, nats: NATSClient? = nil, serverURL: String? = nil, packsRoot: String? = nil,
                    variables: [String: JSONValue] = [:], wiretap: [String]? = nil) async throws {
        var client = nats
        var owned: NATSClient?
        if client == nil, let url = endpoints.natsURL {
            owned = try await NATSClient.connect(url: url)
            client = owned
        }
        var values: [String: JSONValue] = ["prefix": .string(subjectPrefix), "greentic_env": .string(greenticEnv)]
        if let url = endpoints.natsURL { values["nats"] = .string(url) }
        if let serverURL { values["server"] = .string(serverURL) }
        values.merge(variables) { _, new in new }
        let context = ScenarioContext(nats: client, serverURL: serverURL, env: self, variables: ScenarioVariables(values),
                                      packsRoot: packsRoot, wiretap: wiretap)
        let result = await ScenarioRunner.run(scenario, context: context)
        // Closed before returning (not from a detached task), so the connection is gone when
        // the environment checks for leaks.
        if let owned { await owned.close() }
        if let failure = result.failure { throw failure }
    }
}
