import Foundation
import GreenticSessions
import GreenticTestKit
import ScenarioDSL

/// Running one flow turn: retries, persistence, the effect and attempt logs, then publishing.
extension RunnerSimulator {
    /// All attempts failed.
    struct ExhaustedAttempts: Error {
        var attempts: Int
        var lastError: String
    }

    /// The session key of a turn: the resumed session's, the envelope's `session_id`, the
    /// canonical `{tenant}:{platform}:conversation:{user}` for a known user, else the message id.
    static func sessionKey(envelope: JSONValue, scope: FlowEngine.Scope, user: String?, resuming: SessionRecord?, correlation: String) -> String {
        if let resuming { return resuming.key }
        if let id = envelope["session_id"]?.stringValue, !id.isEmpty { return id }
        if let user { return "\(scope.tenant):\(scope.platform):conversation:\(user)" }
        return envelope["id"]?.stringValue ?? correlation
    }

    /// Runs a flow with retries (exponential backoff with jitter, each attempt in the attempt
    /// log), then keeps its variables in the state store, stores or clears its session, records
    /// the effect log, the attempt and the stats, and only then publishes its replies and events
    /// (a reader that saw a reply finds the turn recorded). Throws `ExhaustedAttempts` when every
    /// attempt failed; nothing is published for a failed attempt.
    func execute(_ flow: FlowDocument, input envelope: JSONValue, scope: FlowEngine.Scope, correlation: String,
                 user: String? = nil, resuming: SessionRecord? = nil) async throws -> FlowEngine.Trace {
        let session = Self.sessionKey(envelope: envelope, scope: scope, user: user, resuming: resuming, correlation: correlation)
        let traceID = EffectLog.traceID(from: envelope.value(atPath: "tenant.trace_id")?.stringValue)
        let resume = resuming.map { FlowEngine.Resume(node: $0.nodeID ?? "", variables: $0.context.objectValue ?? [:]) }
        var attempt = 0
        var lastError = ""
        while attempt < options.maxAttempts {
            attempt += 1
            state.withLock { $0.stats.attempts += 1 }
            do {
                var trace = try engine(for: flow).run(flow, input: envelope, scope: scope, resume: resume) { [self] component in
                    state.withLock { s -> String? in
                        guard let left = s.failures[component], left > 0 else { return nil }
                        s.failures[component] = left - 1
                        return "injected failure (\(left - 1) more to come)"
                    }
                }
                if trace.variables["session_id"] == nil { trace.variables["session_id"] = .string(session) }
                for index in trace.effects.indices where trace.effects[index].kind == .event {
                    trace.effects[index].subject = options.topicPrefix + trace.effects[index].subject
                }
                try await persist(trace, flow: flow, scope: scope, session: session, user: user, resumed: resuming != nil)
                // Everything the turn did is recorded before its replies leave: whoever sees a
                // reply can read the effect log, the attempt log and the stats and find the turn.
                effectLog.record(tenant: scope.tenant, session: session, trace: traceID, payload: envelope)
                attemptLog.record(.init(trace: traceID, tenant: scope.tenant, session: session, flow: flow.id, attempt: attempt, outcome: "ok"))
                state.withLock {
                    $0.stats.handled += 1
                    if trace.waiting != nil { $0.stats.waiting += 1 }
                    if resuming != nil { $0.stats.resumed += 1 }
                }
                let headers: NATSHeaders = ["Greentic-Correlation-Id": correlation, "Greentic-Tenant": scope.tenant]
                for effect in trace.effects where effect.kind != .plan {
                    try? nats.publish(effect.subject, json: effect.payload, headers: headers)
                }
                return trace
            } catch {
                lastError = "\(error)"
                logger.info("attempt \(attempt) of \(flow.id) failed: \(error)")
                let delay = RetryPolicy(maxAttempts: options.maxAttempts, base: options.backoffBase).delay(after: attempt)
                attemptLog.record(.init(trace: traceID, tenant: scope.tenant, session: session, flow: flow.id, attempt: attempt,
                                        outcome: delay == nil ? "dead_lettered" : "failed", error: lastError,
                                        backoffMs: delay.map(\.fractionalMilliseconds)))
                if let delay { try? await Task.sleep(for: delay) }
            }
        }
        throw ExhaustedAttempts(attempts: attempt, lastError: lastError)
    }

    /// Keeps the turn's variables in the state store under
    /// `pack/<pack>/flow/<flow>/session/<session>`, and stores the session when the flow waits
    /// (or removes it when a resumed flow finished).
    func persist(_ trace: FlowEngine.Trace, flow: FlowDocument, scope: FlowEngine.Scope, session: String, user: String?, resumed: Bool) async throws {
        var variables = trace.variables
        variables["input"] = nil
        let pack = loadedFlows.withLock { $0.packs[flow.id]?.id } ?? "unknown"
        try await options.stateStore.put(RunnerStateKey(env: scope.env, tenant: scope.tenant, team: scope.team, key: "pack/\(pack)/flow/\(flow.id)/session/\(session)"),
                                         ["variables": .object(variables), "waiting_at": trace.waiting.map { .string($0.node) } ?? .null,
                                          "route": .array(trace.steps.map { .string($0.node) })])
        if let wait = trace.waiting {
            _ = try await options.sessionStore.upsert(SessionRecord(key: session, tenant: scope.tenant, team: scope.team, user: user,
                                                                    flowID: flow.id, nodeID: wait.node, context: .object(variables)))
        } else if resumed {
            _ = try await options.sessionStore.remove(tenant: scope.tenant, key: session)
        }
    }
}
