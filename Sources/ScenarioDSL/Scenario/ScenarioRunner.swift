import AsyncHTTPClient
import Foundation
import GreenticTestKit
import NIOCore
import NIOHTTP1

/// What a scenario runs against: a NATS connection, the fixture server, the TestEnv (for
/// services and the timeline), and starting variables.
public struct ScenarioContext: Sendable {
    public var nats: NATSClient?
    public var serverURL: String?
    public var env: TestEnv?
    public var timeline: Timeline?
    public var variables: ScenarioVariables
    /// Packs root of the running fixture server, for `install_pack`.
    public var packsRoot: String?
    /// Folder that relative paths in steps (pack sources) are resolved against.
    public var baseDirectory: URL

    public init(nats: NATSClient? = nil, serverURL: String? = nil, env: TestEnv? = nil, timeline: Timeline? = nil,
                variables: ScenarioVariables = ScenarioVariables(), packsRoot: String? = nil,
                baseDirectory: URL = URL(fileURLWithPath: FileManager.default.currentDirectoryPath)) {
        self.nats = nats
        self.serverURL = serverURL
        self.env = env
        self.timeline = timeline ?? env?.timeline
        self.variables = variables
        self.packsRoot = packsRoot
        self.baseDirectory = baseDirectory
    }
}

/// The outcome of one scenario run.
public struct ScenarioResult: Sendable {
    public var name: String
    public var duration: Duration
    public var failure: ScenarioError?
    public var variables: ScenarioVariables
    public var passed: Bool { failure == nil }
}

/// Runs scenarios: subscribes to every listened subject and flushes before the first action,
/// records every message (wiretap) and step in the timeline, and fails with what was expected,
/// what arrived instead, and where the timeline is.
public final class ScenarioRunner: @unchecked Sendable {
    let scenario: Scenario
    var context: ScenarioContext
    let wiretap: Wiretap
    var subscriptions: [String: NATSSubscription] = [:]
    var pumps: [Task<Void, Never>] = []

    public init(_ scenario: Scenario, context: ScenarioContext) {
        self.scenario = scenario
        self.context = context
        self.wiretap = Wiretap(timeline: context.timeline)
    }

    /// Runs the scenario; never throws for a failing scenario (see `ScenarioResult.failure`).
    public static func run(_ scenario: Scenario, context: ScenarioContext) async -> ScenarioResult {
        let runner = ScenarioRunner(scenario, context: context)
        let start = ContinuousClock.now
        let failure = await runner.execute()
        return ScenarioResult(name: scenario.name, duration: ContinuousClock.now - start, failure: failure, variables: runner.context.variables)
    }

    func note(_ kind: String, _ data: JSONValue) {
        context.timeline?.append(kind: kind, source: "scenario:\(scenario.name)", data: data)
    }

    func execute() async -> ScenarioError? {
        note("step", ["event": "scenario_started", "steps": .number(Double(scenario.steps.count))])
        defer {
            pumps.forEach { $0.cancel() }
            for sub in subscriptions.values { Task { try? await sub.unsubscribe() } }
            context.env?.drainLogs()
        }
        do {
            try await subscribeAll()
        } catch {
            return ScenarioError.stepFailed(step: -1, kind: "subscribe", message: "\(error)", timeline: context.timeline?.url.path)
        }
        let firstAction = scenario.steps.firstIndex { !$0.isExpectation } ?? scenario.steps.count
        let deferred = firstAction < scenario.steps.count ? Array(0..<firstAction) : []
        var order = Array(firstAction < scenario.steps.count ? firstAction..<scenario.steps.count : 0..<scenario.steps.count)
        order += deferred
        for index in order {
            let step = scenario.steps[index]
            note("step", ["event": "started", "index": .number(Double(index)), "kind": .string(step.kind)])
            do {
                try await run(step, index: index)
                note("step", ["event": "passed", "index": .number(Double(index)), "kind": .string(step.kind)])
            } catch {
                let message = (error as? ScenarioError).map { if case .invalid(let m) = $0 { m } else { "\($0)" } } ?? "\(error)"
                note("expectation", ["event": "failed", "index": .number(Double(index)), "kind": .string(step.kind), "message": .string(message)])
                return .stepFailed(step: index, kind: step.kind, message: message, timeline: context.timeline?.url.path)
            }
        }
        if let failure = await checkExactCounts() { return failure }
        note("step", ["event": "scenario_passed"])
        return nil
    }

    func subscribeAll() async throws {
        let subjects = Set(try scenario.steps.flatMap(\.listenedSubjects).map { try context.variables.expand($0) })
        guard !subjects.isEmpty else { return }
        guard let nats = context.nats else { throw ScenarioError.missingContext("this scenario listens on NATS but no NATS connection was given") }
        for subject in subjects.sorted() {
            let sub = try await nats.subscribe(subject)
            subscriptions[subject] = sub
            let tap = wiretap
            pumps.append(Task { for await m in sub { tap.record(m, on: subject) } })
        }
        try await nats.flush()
        note("step", ["event": "subscribed", "subjects": .array(subjects.sorted().map { .string($0) })])
    }

    // MARK: Steps

    func run(_ step: ScenarioStep, index: Int, capWithin: Duration? = nil) async throws {
        let v = context.variables
        switch step {
        case .publish(let subject, let payload, let headers):
            let nats = try requireNATS()
            let data = try encode(payload)
            var h: NATSHeaders?
            if !headers.isEmpty {
                var built = NATSHeaders()
                for (k, value) in headers.sorted(by: { $0.key < $1.key }) { built.append(k, try v.expand(value)) }
                h = built
            }
            try await nats.publish(try v.expand(subject), payload: data, headers: h)
            try await nats.flush()
        case .request(let subject, let payload, let within, let capture):
            let reply = try await requireNATS().request(try v.expand(subject), payload: try encode(payload), timeout: cap(within, capWithin))
            if let capture { context.variables.values[capture] = (try? JSONValue.parse(reply.payload)) ?? .string(reply.text) }
        case .http(let spec):
            try await runHTTP(spec)
        case .startService(let spec):
            guard let env = context.env else { throw ScenarioError.missingContext("start_service needs a TestEnv") }
            var environment: [String: String] = [:]
            for (k, value) in spec.environment { environment[k] = try v.expand(value) }
            _ = try await env.start(ServiceSpec(name: spec.name, executable: try v.expand(spec.executable),
                                                arguments: try spec.arguments.map { try v.expand($0) }, environment: environment,
                                                readiness: spec.readyLog.map { .logLine($0) } ?? .none))
        case .installPack(let source, let packsRoot):
            try await installPack(source: try v.expand(source), packsRoot: try packsRoot.map { try v.expand($0) })
        case .capture(let name, let value):
            context.variables.values[name] = try v.expandValue(value)
        case .waitQuiet(let subject, let quietFor, let within):
            try await waitQuiet(try v.expand(subject), quietFor: quietFor, within: cap(within, capWithin))
        case .expect(let e):
            _ = try await awaitExpectation(e, within: cap(e.within, capWithin))
        case .expectNone(let subject, let within, let matchers):
            try await expectNone(try v.expand(subject), within: cap(within, capWithin), matchers: matchers)
        case .inOrder(let list):
            // Order is the NATS client's arrival order (see Wiretap), not when each
            // subscription's consumer happened to record its message.
            var previous: (position: Int, seen: Wiretap.Seen)?
            for (position, e) in list.enumerated() {
                let first = try await awaitExpectation(e, within: cap(e.within, capWithin))
                if let previous, first.sequence < previous.seen.sequence {
                    throw ScenarioError.invalid("out of order: expected #\(previous.position + 1) before #\(position + 1), but #\(position + 1) arrived first\n"
                        + "  first:  #\(position + 1) (arrival \(first.sequence)) \(Self.summary(first.message))\n"
                        + "  second: #\(previous.position + 1) (arrival \(previous.seen.sequence)) \(Self.summary(previous.seen.message))")
                }
                previous = (position, first)
            }
        case .eventually(let within, let steps):
            let deadline = ContinuousClock.now + within
            while true {
                do {
                    for inner in steps { try await run(inner, index: index, capWithin: .milliseconds(200)) }
                    return
                } catch {
                    if ContinuousClock.now >= deadline {
                        throw ScenarioError.invalid("not true within \(within): \((error as? ScenarioError).map { "\($0)" } ?? "\(error)")")
                    }
                    try await Task.sleep(for: .milliseconds(25))
                }
            }
        case .assert(let value, let check):
            let actual = try v.expandValue(value)
            guard check.holds(actual) else {
                throw ScenarioError.invalid("assert: \(value) is \(JSONWriter.compact(actual)), expected it to \(check.description)")
            }
        }
    }

    func cap(_ within: Duration, _ limit: Duration?) -> Duration {
        guard let limit else { return within }
        return min(within, limit)
    }

    func requireNATS() throws -> NATSClient {
        guard let nats = context.nats else { throw ScenarioError.missingContext("this step needs a NATS connection (--nats URL)") }
        return nats
    }

    func encode(_ payload: StepPayload) throws -> Data {
        switch payload {
        case .none: return Data()
        case .text(let t): return Data(try context.variables.expand(t).utf8)
        case .json(let j): return Data(JSONWriter.compact(try context.variables.expand(j)).utf8)
        }
    }

    // MARK: Expectations

    func matching(_ e: Expectation, subject: String) -> [Wiretap.Seen] {
        wiretap.messages(on: subject).filter { seen in e.matchers.allSatisfy { $0.matches(seen.message) } }
    }

    /// Waits until the expectation's minimum holds; returns the first matching message.
    func awaitExpectation(_ e: Expectation, within: Duration) async throws -> Wiretap.Seen {
        let subject = try context.variables.expand(e.subject)
        let deadline = ContinuousClock.now + within
        var interval = Duration.milliseconds(1)
        // Each poll checks only the messages recorded since the last one.
        var checked = 0
        var found: [Wiretap.Seen] = []
        while true {
            let fresh = wiretap.messages(on: subject, from: checked)
            checked += fresh.count
            found += fresh.filter { seen in e.matchers.allSatisfy { $0.matches(seen.message) } }
            if found.count >= e.min, let max = e.max, found.count > max {
                throw ScenarioError.invalid("expected \(e.countDescription) message(s) on \(subject)\(matcherText(e.matchers)), got \(found.count)\(arrived(subject))")
            }
            if found.count >= e.min {
                if let capture = e.capture, let first = found.first {
                    context.variables.values[capture] = (try? JSONValue.parse(first.message.payload)) ?? .string(first.message.text)
                }
                return found.first ?? Wiretap.Seen(sequence: -1, subscription: subject, message: NATSMessage(subject: subject, payload: Data()), at: .now)
            }
            if ContinuousClock.now >= deadline {
                throw ScenarioError.invalid("expected \(e.countDescription) message(s) on \(subject)\(matcherText(e.matchers)) within \(within), got \(found.count)\(arrived(subject))")
            }
            try await Task.sleep(for: interval)
            interval = min(interval * 2, .milliseconds(10))
        }
    }

    func expectNone(_ subject: String, within: Duration, matchers: [MessageMatcher]) async throws {
        let e = Expectation(subject: subject, min: 0, max: 0, within: within, matchers: matchers)
        let deadline = ContinuousClock.now + within
        var checked = 0
        while true {
            let fresh = wiretap.messages(on: subject, from: checked)
            checked += fresh.count
            if let first = fresh.first(where: { seen in e.matchers.allSatisfy { $0.matches(seen.message) } }) {
                let count = matching(e, subject: subject).count
                throw ScenarioError.invalid("expected no message on \(subject)\(matcherText(matchers)), but got \(count): \(Self.summary(first.message))")
            }
            if ContinuousClock.now >= deadline { return }
            try await Task.sleep(for: .milliseconds(5))
        }
    }

    func waitQuiet(_ subject: String, quietFor: Duration, within: Duration) async throws {
        let start = ContinuousClock.now
        let deadline = start + within
        while true {
            let last = wiretap.lastArrival(on: subject) ?? start
            if ContinuousClock.now - max(last, start) >= quietFor { return }
            if ContinuousClock.now >= deadline {
                throw ScenarioError.invalid("\(subject) did not go quiet for \(quietFor) within \(within)")
            }
            try await Task.sleep(for: .milliseconds(5))
        }
    }

    /// Exact counts (`max`) hold over the whole scenario, checked once more at its end.
    func checkExactCounts() async -> ScenarioError? {
        try? await context.nats?.flush()
        for (index, step) in scenario.steps.enumerated() {
            let list: [Expectation]
            switch step {
            case .expect(let e): list = [e]
            case .inOrder(let l): list = l
            default: continue
            }
            for e in list {
                guard let max = e.max, let subject = try? context.variables.expand(e.subject) else { continue }
                let count = matching(e, subject: subject).count
                if count > max {
                    let message = "expected \(e.countDescription) message(s) on \(subject)\(matcherText(e.matchers)) over the scenario, got \(count)\(arrived(subject))"
                    note("expectation", ["event": "failed", "index": .number(Double(index)), "message": .string(message)])
                    return .stepFailed(step: index, kind: step.kind, message: message, timeline: context.timeline?.url.path)
                }
            }
        }
        return nil
    }

    func matcherText(_ matchers: [MessageMatcher]) -> String {
        matchers.isEmpty ? "" : " matching " + matchers.map(\.description).joined(separator: " and ")
    }

    /// "; arrived on S: …" with up to 5 messages, or "; nothing arrived on S".
    func arrived(_ subject: String) -> String {
        let all = wiretap.messages(on: subject)
        if all.isEmpty { return "; nothing arrived on \(subject)" }
        let shown = all.prefix(5).map { "  " + Self.summary($0.message) }.joined(separator: "\n")
        return "; arrived on \(subject) (\(all.count)):\n" + shown + (all.count > 5 ? "\n  …" : "")
    }

    static func summary(_ m: NATSMessage) -> String {
        let text = m.text
        return "\(m.subject): " + (text.count > 160 ? String(text.prefix(157)) + "..." : text)
    }

    // MARK: HTTP and packs

    func runHTTP(_ spec: HTTPStepSpec) async throws {
        let v = context.variables
        var url = try v.expand(spec.url)
        if url.hasPrefix("/") {
            guard let base = context.serverURL else { throw ScenarioError.missingContext("http path \(url) needs a server URL (--server)") }
            url = base.trimmingCharacters(in: CharacterSet(charactersIn: "/")) + url
        }
        var request = HTTPClientRequest(url: url)
        request.method = HTTPMethod(rawValue: spec.method)
        if let json = spec.json {
            request.headers.add(name: "Content-Type", value: "application/json")
            request.body = .bytes(ByteBuffer(string: JSONWriter.compact(try v.expand(json))))
        }
        let response: HTTPClientResponse
        do { response = try await HTTPClient.shared.execute(request, timeout: .seconds(30)) } catch {
            throw ScenarioError.invalid("\(spec.method) \(url) failed: \(error)")
        }
        let body = try await response.body.collect(upTo: 16 * 1024 * 1024)
        let data = Data(body.readableBytesView)
        note("step", ["event": "http", "method": .string(spec.method), "url": .string(url), "status": .number(Double(response.status.code))])
        if let status = spec.status, Int(response.status.code) != status {
            throw ScenarioError.invalid("\(spec.method) \(url) answered \(response.status.code), expected \(status): \(String(decoding: data.prefix(300), as: UTF8.self))")
        }
        if let capture = spec.capture {
            context.variables.values[capture] = (try? JSONValue.parse(data)) ?? .string(String(decoding: data, as: UTF8.self))
        }
    }

    func installPack(source: String, packsRoot: String?) async throws {
        guard let root = packsRoot ?? context.packsRoot else {
            throw ScenarioError.missingContext("install_pack needs the server's packs root (packs_root, or the context's packsRoot)")
        }
        let src = source.hasPrefix("/") ? URL(fileURLWithPath: source) : context.baseDirectory.appendingPathComponent(source)
        let target = URL(fileURLWithPath: root).appendingPathComponent(src.lastPathComponent)
        let fm = FileManager.default
        guard fm.fileExists(atPath: src.appendingPathComponent("pack.json").path) else {
            throw ScenarioError.invalid("install_pack: \(src.path) has no pack.json")
        }
        try? fm.removeItem(at: target)
        try fm.createDirectory(at: target.deletingLastPathComponent(), withIntermediateDirectories: true)
        try fm.copyItem(at: src, to: target)
        if context.serverURL != nil {
            try await runHTTP(HTTPStepSpec(method: "POST", url: "/packs/reload", status: 200))
        }
    }
}

extension TestEnv {
    /// Runs a scenario against this environment's NATS (when requested), timeline and services;
    /// throws `ScenarioError.stepFailed` naming the step, what arrived, and the timeline path.
    public func run(_ scenario: Scenario, nats: NATSClient? = nil, serverURL: String? = nil, packsRoot: String? = nil,
                    variables: [String: JSONValue] = [:]) async throws {
        var client = nats
        var owned: NATSClient?
        if client == nil, let url = endpoints.natsURL {
            owned = try await NATSClient.connect(url: url)
            client = owned
        }
        var values: [String: JSONValue] = ["prefix": .string(subjectPrefix)]
        if let url = endpoints.natsURL { values["nats"] = .string(url) }
        if let serverURL { values["server"] = .string(serverURL) }
        values.merge(variables) { _, new in new }
        let context = ScenarioContext(nats: client, serverURL: serverURL, env: self, variables: ScenarioVariables(values), packsRoot: packsRoot)
        let result = await ScenarioRunner.run(scenario, context: context)
        // Closed before returning (not from a detached task), so the connection is gone when
        // the environment checks for leaks.
        if let owned { await owned.close() }
        if let failure = result.failure { throw failure }
    }
}
