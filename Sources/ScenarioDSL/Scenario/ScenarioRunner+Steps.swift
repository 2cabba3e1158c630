import AsyncHTTPClient
import Foundation
import GreenticTestKit
import NIOCore
import NIOHTTP1

/// Running one step: the actions (publish, request, HTTP, services, packs, captures, asserts)
/// and the dispatch to the expectation waits. Requests and HTTP calls put what was sent and
/// what came back in the timeline.
extension ScenarioRunner {
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
            try nats.publish(try v.expand(subject), payload: data, headers: h)
            try await nats.flush()
        case .request(let subject, let payload, let within, let capture):
            try await request(try v.expand(subject), payload: try encode(payload), within: cap(within, capWithin), capture: capture)
        case .http(let spec):
            try await runHTTP(spec)
        case .startService(let spec):
            try await startService(spec)
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
            try await inOrder(list, capWithin: capWithin)
        case .eventually(let within, let steps):
            // Retrying is what the step asks for: its inner steps are HTTP calls and asserts
            // that hold at some point, not messages the wiretap could wake it for.
            let deadline = ContinuousClock.now + within
            while true {
                do {
                    for inner in steps { try await run(inner, index: index, capWithin: .milliseconds(200)) }
                    return
                } catch {
                    if ContinuousClock.now >= deadline { throw ScenarioError.eventuallyTimedOut(within: within, last: Self.scenarioError(error)) }
                    try await Task.sleep(for: .milliseconds(25))
                }
            }
        case .assert(let value, let check):
            let actual = try v.expandValue(value)
            guard check.holds(actual) else {
                throw ScenarioError.assertionFailed(value: value, actual: JSONWriter.compact(actual), expected: check.description)
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

    // MARK: Requests

    func request(_ subject: String, payload: Data, within: Duration, capture: String?) async throws {
        let nats = try requireNATS()
        let evidence = self.evidence
        let reply: NATSMessage
        do {
            reply = try await nats.request(subject, payload: payload, timeout: within)
        } catch {
            let reason = "\(error)"
            note("step", writing: {
                TimelineEvents.writeRequest(subject: subject, payload: payload, reply: nil, error: reason, evidence: evidence, into: &$0)
            })
            throw ScenarioError.requestFailed(subject: subject, reason: reason)
        }
        note("step", writing: {
            TimelineEvents.writeRequest(subject: subject, payload: payload, reply: reply, error: nil, evidence: evidence, into: &$0)
        })
        if let capture { context.variables.values[capture] = (try? JSONValue.parse(reply.payload)) ?? .string(reply.text) }
    }

    // MARK: Services

    func startService(_ spec: StartServiceSpec) async throws {
        let v = context.variables
        guard let env = context.env else { throw ScenarioError.missingContext("start_service needs a TestEnv") }
        var environment: [String: String] = [:]
        for (k, value) in spec.environment { environment[k] = try v.expand(value) }
        let service = ServiceSpec(name: spec.name, executable: try v.expand(spec.executable),
                                  arguments: try spec.arguments.map { try v.expand($0) }, environment: environment,
                                  readiness: spec.readyLog.map { .logLine($0) } ?? .none)
        do {
            _ = try await env.start(service)
        } catch {
            throw ScenarioError.serviceFailed(name: spec.name, reason: "\(error)")
        }
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
        var event: [String: JSONValue] = ["event": "http", "method": .string(spec.method), "url": .string(url)]
        if let json = spec.json {
            let body = Data(JSONWriter.compact(try v.expand(json)).utf8)
            request.headers.add(name: "Content-Type", value: "application/json")
            request.body = .bytes(ByteBuffer(bytes: body))
            event["request_body"] = evidence.body(body)
        }
        let response: HTTPClientResponse
        let data: Data
        do {
            response = try await SharedHTTPClient.client.execute(request, timeout: .seconds(30))
            data = Data(try await response.body.collect(upTo: 16 * 1024 * 1024).readableBytesView)
        } catch {
            event["error"] = .string("\(error)")
            note("step", .object(event))
            throw ScenarioError.httpFailed(method: spec.method, url: url, detail: "failed: \(error)")
        }
        event["status"] = .number(Double(response.status.code))
        event["response_headers"] = evidence.headers(response.headers.map { ($0.name, $0.value) })
        event["response_body"] = evidence.body(data)
        note("step", .object(event))
        if let status = spec.status, Int(response.status.code) != status {
            let shown = evidence.body(data.prefix(300))
            throw ScenarioError.httpFailed(method: spec.method, url: url,
                                           detail: "answered \(response.status.code), expected \(status): \(shown.stringValue ?? JSONWriter.compact(shown))")
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
