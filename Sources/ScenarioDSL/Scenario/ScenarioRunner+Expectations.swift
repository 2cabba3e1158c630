import Foundation
import GreenticTestKit

/// Waiting for messages: each wait checks only the messages recorded since its last look and
/// then sleeps until the wiretap records another one or its window closes — no polling loop,
/// no rescans of everything captured.
extension ScenarioRunner {
    func matches(_ seen: Wiretap.Seen, _ pattern: SubjectPattern, _ matchers: [MessageMatcher]) -> Bool {
        pattern.matches(seen.message.subject) && matchers.allSatisfy { $0.matches(seen.message) }
    }

    /// Waits until the expectation's minimum holds; returns the first matching message.
    func awaitExpectation(_ e: MessageExpectation, within: Duration) async throws -> Wiretap.Seen {
        let subject = try context.variables.expand(e.subject)
        let pattern = SubjectPattern(subject)
        let deadline = ContinuousClock.now + within
        var checked = 0
        var found: [Wiretap.Seen] = []
        while true {
            let fresh = wiretap.messages(from: checked)
            checked += fresh.count
            found += fresh.filter { matches($0, pattern, e.matchers) }
            if found.count >= e.min, let max = e.max, found.count > max {
                throw ScenarioError.expectationNotMet(subject: subject, wanted: e.countDescription, matchers: matcherText(e.matchers), got: found.count, within: within,
                                                      evidence: report(pattern, e.matchers))
            }
            if found.count >= e.min {
                if let capture = e.capture, let first = found.first {
                    context.variables.values[capture] = (try? JSONValue.parse(first.message.payload)) ?? .string(first.message.text)
                }
                return found.first ?? Wiretap.Seen(sequence: -1, message: NATSMessage(subject: subject, payload: Data()), at: .now)
            }
            if ContinuousClock.now >= deadline {
                throw ScenarioError.expectationNotMet(subject: subject, wanted: e.countDescription, matchers: matcherText(e.matchers), got: found.count, within: within,
                                                      evidence: report(pattern, e.matchers))
            }
            await wiretap.waitForMore(than: checked, until: deadline)
            try Task.checkCancellation()
        }
    }

    func expectNone(_ subject: String, within: Duration, matchers: [MessageMatcher]) async throws {
        let pattern = SubjectPattern(subject)
        let deadline = ContinuousClock.now + within
        var checked = 0
        while true {
            let fresh = wiretap.messages(from: checked)
            checked += fresh.count
            if let first = fresh.first(where: { matches($0, pattern, matchers) }) {
                let count = wiretap.all.filter { matches($0, pattern, matchers) }.count
                throw ScenarioError.unexpectedMessage(subject: subject, matchers: matcherText(matchers), count: count,
                                                      first: FailureReport.summary(first.message))
            }
            if ContinuousClock.now >= deadline { return }
            await wiretap.waitForMore(than: checked, until: deadline)
            try Task.checkCancellation()
        }
    }

    func waitQuiet(_ subject: String, quietFor: Duration, within: Duration) async throws {
        let pattern = SubjectPattern(subject)
        let start = ContinuousClock.now
        let deadline = start + within
        var checked = 0
        var last = start
        while true {
            let fresh = wiretap.messages(from: checked)
            checked += fresh.count
            if let newest = fresh.last(where: { pattern.matches($0.message.subject) }) { last = max(last, newest.at) }
            let now = ContinuousClock.now
            if now - last >= quietFor { return }
            if now >= deadline { throw ScenarioError.notQuiet(subject: subject, quietFor: quietFor, within: within) }
            await wiretap.waitForMore(than: checked, until: min(last + quietFor, deadline))
            try Task.checkCancellation()
        }
    }

    /// Order is the NATS client's arrival order (see `Wiretap`), not when a step got to it.
    func inOrder(_ list: [MessageExpectation], capWithin: Duration?) async throws {
        var previous: (position: Int, seen: Wiretap.Seen)?
        for (position, e) in list.enumerated() {
            let first = try await awaitExpectation(e, within: cap(e.within, capWithin))
            if let previous, first.sequence < previous.seen.sequence {
                throw ScenarioError.outOfOrder(
                    earlier: previous.position + 1, later: position + 1,
                    first: "#\(position + 1) (arrival \(first.sequence), t=\(milliseconds(first.at)) ms) \(FailureReport.summary(first.message))",
                    second: "#\(previous.position + 1) (arrival \(previous.seen.sequence), t=\(milliseconds(previous.seen.at)) ms) "
                        + FailureReport.summary(previous.seen.message))
            }
            previous = (position, first)
        }
    }

    func milliseconds(_ instant: ContinuousClock.Instant) -> String {
        guard let timeline = context.timeline else { return "?" }
        return String(format: "%.1f", timeline.milliseconds(at: instant))
    }

    /// Exact counts (`max`) hold over the whole scenario, checked once more at its end.
    func checkExactCounts() async -> ScenarioError? {
        try? await context.nats?.flush()
        let all = wiretap.all
        for (index, step) in scenario.steps.enumerated() {
            let list: [MessageExpectation]
            switch step {
            case .expect(let e): list = [e]
            case .inOrder(let l): list = l
            default: continue
            }
            for e in list {
                guard let max = e.max, let subject = try? context.variables.expand(e.subject) else { continue }
                let pattern = SubjectPattern(subject)
                let count = all.filter { matches($0, pattern, e.matchers) }.count
                if count > max {
                    let cause = ScenarioError.expectationNotMet(subject: subject, wanted: e.countDescription, matchers: matcherText(e.matchers), got: count, within: nil,
                                                                evidence: report(pattern, e.matchers))
                    note("expectation", ["event": "failed", "index": .number(Double(index)), "message": .string(cause.message)])
                    return .stepFailed(step: index, kind: step.kind, cause: cause, timeline: context.timeline?.url.path)
                }
            }
        }
        return nil
    }

    func matcherText(_ matchers: [MessageMatcher]) -> String {
        matchers.isEmpty ? "" : " matching " + matchers.map(\.description).joined(separator: " and ")
    }

    func report(_ pattern: SubjectPattern, _ matchers: [MessageMatcher]) -> String {
        FailureReport(pattern: pattern, matchers: matchers, seen: wiretap.all, dropped: wiretap.dropped, listening: wiretap.listening).text
    }
}
