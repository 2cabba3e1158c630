import Foundation
import GreenticTestKit
import GreenticTestKitTesting
import ScenarioDSL
import TestSupport
import Testing

/// The NATS fault proxy between real clients and a real nats-server.
@Suite("NATS fault proxy against a real nats-server", .tags(.nats))
struct NATSFaultProxyTests {
    /// Publishes `count` numbered messages on `subject` through `proxy` and returns the numbers a
    /// direct subscriber received, in arrival order.
    static func deliver(_ env: TestEnv, proxy: NATSFaultProxy, subject: String, count: Int) async throws -> [Int] {
        let direct = try await NATSClient.connect(url: try env.natsURL())
        let through = try await NATSClient.connect(url: proxy.url)
        let sub = try await direct.subscribe(subject)
        try await direct.flush()
        for i in 1...count { try through.publish(subject, payload: Data("\(i)".utf8)) }
        try await through.flush()
        // A marker on another subject the rules leave alone, published last on the same
        // connection: once it arrives, everything the proxy passed on has arrived before it.
        let marker = try await direct.subscribe("\(subject).done")
        try await direct.flush()
        try through.publish("\(subject).done", payload: Data())
        #expect(await marker.next(timeout: .seconds(5)) != nil, "the marker passes the rules")
        try await direct.flush()
        var got: [Int] = []
        while let m = await sub.next(timeout: .milliseconds(1)) { got.append(Int(m.text) ?? -1) }
        await through.close()
        await direct.close()
        return got
    }

    @Test(.requires(infra: [.nats]), .testEnv(infra: [.nats]))
    func rulesApplyToTheirSubjectsAndTheSameSeedReplaysTheSameFaults() async throws {
        let env = try TestEnv.required()
        var runs: [[Int]] = []
        for _ in 0..<2 {
            let proxy = try await NATSFaultProxy.start(env, seed: 99)
            let subject = "\(env.subjectPrefix).orders"
            try proxy.add(NATSFaultRule(.drop, subjects: "\(env.subjectPrefix).*", trigger: .probability(0.3), name: "lossy"))
            try proxy.add(NATSFaultRule(.duplicate, subjects: subject, trigger: .everyNth(5), name: "echo"))
            let got = try await Self.deliver(env, proxy: proxy, subject: subject, count: 40)
            let dropped = Set(proxy.events.filter { $0.rule == "lossy" }.map(\.index))
            let doubled = Set(proxy.events.filter { $0.rule == "echo" }.map(\.index))
            #expect(!dropped.isEmpty && !doubled.isEmpty)
            var expected: [Int] = []
            for i in 1...40 where !dropped.contains(i) { expected += doubled.contains(i) ? [i, i] : [i] }
            #expect(got == expected, "what arrived is exactly what the recorded faults say")
            #expect(proxy.events.allSatisfy { $0.subject == subject && $0.direction == .toServer })
            runs.append(got)
            await proxy.stop()
        }
        #expect(runs[0] == runs[1], "seed 99 gives the same faults twice")
        let timeline = env.timeline.contents()
        #expect(timeline.contains(#""kind":"fault""#) && timeline.contains(#""rule":"lossy""#))
    }

    @Test(.requires(infra: [.nats]), .testEnv(infra: [.nats]))
    func deliveriesToSubscribersCanBeFaultedAndRulesChangeWhileTrafficFlows() async throws {
        let env = try TestEnv.required()
        let proxy = try await NATSFaultProxy.start(env)
        #expect(proxy.seed == env.seed)
        let subject = "\(env.subjectPrefix).events"
        let subscriber = try await NATSClient.connect(url: proxy.url)
        let publisher = try await NATSClient.connect(url: try env.natsURL())
        let sub = try await subscriber.subscribe(subject)
        try await subscriber.flush()
        try proxy.add(NATSFaultRule(.drop, subjects: subject, direction: .toClient, name: "deaf"))
        try publisher.publish(subject, payload: Data("lost".utf8))
        try await publisher.flush()
        try await subscriber.flush()
        #expect(await sub.next(timeout: .milliseconds(1)) == nil, "the delivery was dropped on its way down")
        #expect(proxy.remove(named: "deaf"))
        try publisher.publish(subject, payload: Data("kept".utf8))
        try await publisher.flush()
        #expect(await sub.next(timeout: .seconds(5))?.text == "kept")
        #expect(proxy.events.map(\.description) == ["drop to_client '\(subject)' #1 (rule 'deaf')"])
        await subscriber.close()
        await publisher.close()
    }
}
