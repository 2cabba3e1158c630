import Foundation
import GreenticSessions
import GreenticTestKit
import ScenarioDSL

/// Messages arriving on NATS: which flow and scope they go to, deduplication, dead letters.
extension RunnerSimulator {
    enum Input { case message, event }

    /// The flow for an inbound message: the user's waiting session's flow (resumed), else the
    /// first messaging flow.
    func ingressTarget(scope: FlowEngine.Scope, user: String?) async -> (FlowDocument?, SessionRecord?) {
        if let user, let record = try? await options.sessionStore.find(SessionFilter(tenant: scope.tenant, team: scope.team, user: user)),
           record.nodeID != nil, let flow = currentFlows.first(where: { $0.id == record.flowID }) {
            return (flow, record)
        }
        return (currentFlows.first { $0.type == "messaging" }, nil)
    }

    /// Whether an activity id was seen before (the last 10,000 are remembered); records it.
    func isDuplicate(activityID: String) -> Bool {
        seen.withLock { !$0.insert(activityID) }
    }

    func pump(_ sub: NATSSubscription, kind: Input) -> Task<Void, Never> {
        Task { [self] in
            for await message in sub {
                await handle(message, kind: kind)
            }
        }
    }

    func handle(_ message: NATSMessage, kind: Input) async {
        if let latency = state.withLock({ $0.latency }) { try? await Task.sleep(for: latency) }
        guard let envelope = try? JSONValue.parse(message.payload) else {
            logger.warning("ignoring non-JSON message on \(message.subject)")
            return
        }
        let scope: FlowEngine.Scope
        var flow: FlowDocument?
        let stage: String
        var resuming: SessionRecord?
        let user = envelope.value(atPath: "from.id")?.stringValue ?? envelope.value(atPath: "tenant.user_id")?.stringValue
            ?? envelope["user_id"]?.stringValue
        switch kind {
        case .message:
            let tokens = message.subject.split(separator: ".").map(String.init)
            guard tokens.count == 7 else { return }
            scope = FlowEngine.Scope(env: tokens[3], tenant: tokens[4], team: tokens[5], platform: tokens[6])
            (flow, resuming) = await ingressTarget(scope: scope, user: user)
            stage = "ingress"
        case .event:
            let tenant = envelope.value(atPath: "tenant.tenant_id")?.stringValue ?? envelope.value(atPath: "tenant.tenant")?.stringValue ?? "unknown"
            scope = FlowEngine.Scope(env: options.env, tenant: tenant, team: envelope.value(atPath: "tenant.team_id")?.stringValue)
            flow = currentFlows.first { f in f.nodes.contains { $0.operatorName == "events.source" && $0.setting("topic").map { options.topicPrefix + $0 } == message.subject } }
            stage = "events"
        }
        guard let flow else { return }
        let correlation = message.headers?["Greentic-Correlation-Id"] ?? envelope["correlation_id"]?.stringValue
            ?? envelope.value(atPath: "tenant.correlation_id")?.stringValue ?? envelope["id"]?.stringValue ?? "none"
        var letter = DeadLetter(tenant: scope.tenant, stage: stage, platform: scope.platform, envelope: envelope, attempts: 0, lastError: "")
        do {
            _ = try await execute(flow, input: envelope, scope: scope, correlation: correlation, user: user, resuming: resuming)
            return
        } catch let failure as ExhaustedAttempts {
            letter.attempts = failure.attempts
            letter.lastError = failure.lastError
        } catch {
            letter.lastError = "\(error)"
        }
        state.withLock { $0.stats.deadLettered += 1 }
        try? nats.publish(options.topicPrefix + letter.subject, json: letter.record(at: Date()),
                          headers: ["Greentic-Correlation-Id": correlation, "Greentic-Tenant": scope.tenant])
    }
}
