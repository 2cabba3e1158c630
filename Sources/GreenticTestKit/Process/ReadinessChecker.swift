import AsyncHTTPClient
import Foundation
import NIOCore

/// Evaluates a `Readiness` declaration against a starting service, polling with a short,
/// growing interval until it holds, the deadline passes, or the process exits.
struct ReadinessChecker {
    let service: ServiceProcess
    let deadline: ContinuousClock.Instant
    let follower: LogFollower
    private(set) var seenLines: [String] = []
    var captures: [String: String] = [:]
    var lastError = "not checked yet"
    /// The check being waited for (its description), for the timeout's message.
    var waitingFor = ""

    init(service: ServiceProcess, timeout: Duration, logOffset: UInt64 = 0) {
        self.service = service
        self.deadline = ContinuousClock.now + timeout
        self.follower = LogFollower(url: service.logURL, offset: logOffset)
    }

    mutating func waitUntilReady() async throws {
        try await waitFor(service.spec.readiness)
        service.setCaptures(captures)
    }

    private mutating func waitFor(_ readiness: Readiness) async throws {
        if case .all(let checks) = readiness {
            for check in checks { try await waitFor(check) }
            return
        }
        waitingFor = readiness.description
        var interval = Duration.microseconds(500)
        while true {
            if try await holds(readiness) { return }
            if service.exitStatus != nil {
                // Once the process has ended, its output is complete when the reader has caught
                // up with the pipe: a ready line written just before a quick exit still counts.
                await service.output.caughtUp()
                if try await holds(readiness) { return }
                try checkAlive()
            }
            if ContinuousClock.now >= deadline { throw notReady() }
            try await Task.sleep(for: interval)
            interval = min(interval * 2, .milliseconds(25))
        }
    }

    /// One evaluation of a check (`.all` inside `.any` is evaluated as a whole, once).
    private mutating func holds(_ readiness: Readiness) async throws -> Bool {
        switch readiness {
        case .none:
            return true
        case .logLine(let pattern):
            let regex: Regex<AnyRegexOutput>
            do { regex = try Regex(pattern) } catch {
                throw ServiceError.invalidReadiness(service: service.name, reason: "bad pattern \(pattern): \(error)")
            }
            seenLines.append(contentsOf: follower.newLines())
            for line in seenLines {
                if let match = try? regex.firstMatch(in: line) {
                    for element in match.output {
                        if let name = element.name, let sub = element.substring { captures[name] = String(sub) }
                    }
                    return true
                }
            }
            lastError = "no log line matched /\(pattern)/ yet"
            return false
        case .tcp(let host, let port):
            let (h, p) = (expand(host), try portNumber(port))
            return record(await Self.attempt { try await ProbeClient.connect(host: h, port: p) })
        case .http(let url, let status):
            let target = expand(url)
            return record(await Self.attempt {
                let request = HTTPClientRequest(url: target)
                let response = try await SharedHTTPClient.client.execute(request, timeout: .seconds(2))
                guard Int(response.status.code) == status else {
                    throw ProbeError.unexpectedReply(expected: "HTTP \(status)", received: "HTTP \(response.status.code)")
                }
            })
        case .probe(.nats(let host, let port)):
            let (h, p) = (expand(host), try portNumber(port))
            return record(await Self.attempt { try await ProbeClient.converse(host: h, port: p, steps: ProbeClient.natsSteps) })
        case .probe(.redis(let host, let port)):
            let (h, p) = (expand(host), try portNumber(port))
            return record(await Self.attempt { try await ProbeClient.converse(host: h, port: p, steps: ProbeClient.redisSteps) })
        case .probe(.postgres(let url)):
            let target = expand(url)
            return record(await Self.attempt { _ = try await PostgresConnection.run(url: target, sql: "SELECT 1") })
        case .custom(let check):
            let captures = captures
            return record(await Self.attempt { try await check.attempt(captures: captures) })
        case .all(let checks):
            for check in checks where !(try await holds(check)) { return false }
            return true
        case .any(let checks):
            for check in checks where try await holds(check) { return true }
            return false
        }
    }

    /// Runs a probe; nil on success, else the error's text.
    private static func attempt(_ body: () async throws -> Void) async -> String? {
        do {
            try await body()
            return nil
        } catch {
            return "\(error)"
        }
    }

    private mutating func record(_ error: String?) -> Bool {
        guard let error else { return true }
        lastError = error
        return false
    }

    func expand(_ template: String) -> String {
        var out = template
        for (key, value) in captures { out = out.replacingOccurrences(of: "${\(key)}", with: value) }
        return out
    }

    func portNumber(_ template: String) throws -> Int {
        let text = expand(template)
        guard let port = Int(text), (1...65535).contains(port) else {
            throw ServiceError.invalidReadiness(service: service.name, reason: "port '\(text)' is not a number (missing capture?)")
        }
        return port
    }

    private func checkAlive() throws {
        if let exit = service.exitStatus {
            throw ServiceError.exitedDuringStartup(service: service.name, status: exit, logPath: service.logURL.path,
                                                   logTail: service.logTail())
        }
    }

    private func notReady() -> ServiceError {
        .notReady(service: service.name, waited: service.spec.readinessTimeout, waitingFor: waitingFor, lastError: lastError,
                  logPath: service.logURL.path, logTail: service.logTail(), outputBytes: service.output.bytesRead)
    }
}
