import Foundation
import GreenticTestKit

/// Runs scenarios: starts the wiretap before the first action (subscribed and flushed), records
/// every message and step in the timeline as it happens, and fails with what was expected, what
/// arrived instead (and near it), and where the timeline is.
///
/// The runner's parts live in files named after them: steps (`ScenarioRunner+Steps.swift`),
/// waiting for expectations (`ScenarioRunner+Expectations.swift`), the failure's evidence
/// (`FailureReport.swift`), and `TestEnv.run` (`TestEnv+Scenario.swift`).
package final class ScenarioRunner {
    let scenario: Scenario
    var context: ScenarioContext
    let wiretap: Wiretap
    var subscriptions: [NATSSubscription] = []
    /// The timeline source of the scenario's events (`scenario:NAME`).
    let source: String

    public init(_ scenario: Scenario, context: ScenarioContext) {
        self.scenario = scenario
        self.context = context
        self.source = "scenario:\(scenario.name)"
        let limit = context.variables.environment["E2E_WIRETAP_LIMIT"].flatMap { Int($0) } ?? Wiretap.defaultLimit
        self.wiretap = Wiretap(timeline: context.timeline, limit: limit)
    }

    /// Runs the scenario; never throws for a failing scenario (see `ScenarioResult.failure`).
    public static func run(_ scenario: Scenario, context: ScenarioContext) async -> ScenarioResult {
        let runner = ScenarioRunner(scenario, context: context)
        let start = ContinuousClock.now
        let failure = await runner.execute()
        return ScenarioResult(name: scenario.name, duration: ContinuousClock.now - start, failure: failure, variables: runner.context.variables)
    }

    func note(_ kind: String, _ data: JSONValue) {
        context.timeline?.append(kind: kind, source: source, data: data)
    }

    /// An event whose data (bodies to copy and redact) the timeline's writer writes as JSON.
    func note(_ kind: String, writing data: @escaping @Sendable (inout [UInt8]) -> Void) {
        context.timeline?.append(kind: kind, source: source, writing: data)
    }

    /// A step's `started` or `passed` event (on every step's path, so written by the timeline's writer).
    func noteStep(_ event: StaticString, index: Int, kind: String) {
        note("step", writing: { TimelineEvents.writeStep(event, index: index, kind: kind, into: &$0) })
    }

    var evidence: EvidencePolicy { context.timeline?.evidence ?? EvidencePolicy() }

    func execute() async -> ScenarioError? {
        note("step", ["event": "scenario_started", "steps": .number(Double(scenario.steps.count))])
        let failure = await runSteps()
        for sub in subscriptions { try? await sub.unsubscribe() }
        subscriptions = []
        if failure == nil { note("step", ["event": "scenario_passed"]) }
        return failure
    }

    private func runSteps() async -> ScenarioError? {
        do {
            try await listen()
        } catch {
            return .stepFailed(step: -1, kind: "subscribe", cause: Self.scenarioError(error), timeline: context.timeline?.url.path)
        }
        // Expectations declared before the first action are checked after the last one.
        let firstAction = scenario.steps.firstIndex { !$0.isExpectation } ?? scenario.steps.count
        let deferred = firstAction < scenario.steps.count ? Array(0..<firstAction) : []
        var order = Array(firstAction < scenario.steps.count ? firstAction..<scenario.steps.count : 0..<scenario.steps.count)
        order += deferred
        for index in order {
            let step = scenario.steps[index]
            noteStep("started", index: index, kind: step.kind)
            do {
                try await run(step, index: index)
                noteStep("passed", index: index, kind: step.kind)
            } catch {
                let cause = Self.scenarioError(error)
                note("expectation", ["event": "failed", "index": .number(Double(index)), "kind": .string(step.kind), "message": .string(cause.message)])
                return .stepFailed(step: index, kind: step.kind, cause: cause, timeline: context.timeline?.url.path)
            }
        }
        return await checkExactCounts()
    }

    /// Subscribes the wiretap to its subjects and the scenario's, then flushes, so nothing sent
    /// after this is missed.
    func listen() async throws {
        let listened = try scenario.steps.flatMap(\.listenedSubjects).map { try context.variables.expand($0) }
        guard let nats = context.nats else {
            if !listened.isEmpty { throw ScenarioError.missingContext("this scenario listens on NATS but no NATS connection was given") }
            return
        }
        let patterns = (context.wiretap ?? context.defaultWiretap()) + listened.sorted()
        subscriptions = try await wiretap.attach(to: nats, patterns: patterns)
        try await nats.flush()
        note("step", ["event": "subscribed", "subjects": .array(wiretap.listening.map { .string($0) })])
    }

    static func scenarioError(_ error: any Error) -> ScenarioError {
        if let error = error as? ScenarioError { return error }
        if let error = error as? NATSError { return .invalid("\(error)") }
        return .invalid("\(error)")
    }
}
