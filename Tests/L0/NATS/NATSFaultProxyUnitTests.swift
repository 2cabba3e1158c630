import Foundation
import GreenticTestKit
import NIOCore
import NIOEmbedded
@testable import ScenarioDSL
import Testing

/// The NATS fault proxy's parts without a server: framing both directions of the protocol,
/// seeded decisions, and each rule applied by the forwarder on in-memory channels.
@Suite("NATS fault proxy: framing, seeded rules, each fault")
struct NATSFaultProxyUnitTests {
    static let clientStream = "CONNECT {\"verbose\":false,\"headers\":true}\r\nSUB orders.> 1\r\nPUB orders.new 5\r\nhello\r\n"
        + "HPUB orders.paid _INBOX.x 21 25\r\nNATS/1.0\r\nX-Id: 7\r\n\r\nbody\r\npub orders.empty 0\r\n\r\nPING\r\n"
    static let serverStream = "INFO {\"server_id\":\"s\",\"max_payload\":1048576}\r\n+OK\r\nMSG orders.new 1 5\r\nhello\r\n"
        + "HMSG orders.paid 1 _INBOX.x 21 25\r\nNATS/1.0\r\nX-Id: 7\r\n\r\nbody\r\nPONG\r\n-ERR 'Unknown Protocol Operation'\r\n"

    static func frames(_ text: String, splitAt cut: Int) throws -> [NATSWireFrame] {
        let bytes = Array(text.utf8)
        var buffer = ByteBuffer()
        var frames: [NATSWireFrame] = []
        for part in [bytes[..<cut], bytes[cut...]] {
            buffer.writeBytes(part)
            while let frame = try NATSWireFrameDecoder.next(from: &buffer) { frames.append(frame) }
        }
        #expect(buffer.readableBytes == 0)
        return frames
    }

    @Test(arguments: [clientStream, serverStream])
    func framingKeepsEveryByteAndFindsSubjectsAndBodiesAtEverySplit(_ stream: String) throws {
        let whole = try Self.frames(stream, splitAt: 0)
        for cut in 0...stream.utf8.count {
            let split = try Self.frames(stream, splitAt: cut)
            #expect(split == whole, "split at \(cut)")
        }
        let joined = whole.map { String(buffer: $0.bytes) }.joined()
        #expect(joined == stream)
        let messages = whole.filter(\.isMessage)
        #expect(messages.map(\.subject) == (stream.hasPrefix("CONNECT") ? ["orders.new", "orders.paid", "orders.empty"] : ["orders.new", "orders.paid"]))
        #expect(messages.map { String(decoding: $0.bytes.readableBytesView[$0.bytes.readerIndex + $0.body.lowerBound ..< $0.bytes.readerIndex + $0.body.upperBound], as: UTF8.self) }
                .prefix(2) == ["hello", "body"])
        #expect(whole.count == (stream.hasPrefix("CONNECT") ? 6 : 6))
    }

    @Test(arguments: ["PUB a\r\n", "PUB a b c 5\r\nhello\r\n", "HPUB a 9 3\r\nabc\r\n", "MSG a 1 x\r\n\r\n", "PUB a 99999999999999999999\r\n"])
    func aBrokenMessageLineIsRefused(_ text: String) {
        var buffer = ByteBuffer(string: text)
        #expect(throws: NATSWireError.self) { _ = try NATSWireFrameDecoder.next(from: &buffer) }
    }

    @Test func boundsHoldForLinesAndPayloads() throws {
        var long = ByteBuffer(repeating: UInt8(ascii: "x"), count: NATSWireFrameDecoder.maxLine + 1)
        #expect(throws: NATSWireError.self) { _ = try NATSWireFrameDecoder.next(from: &long) }
        var huge = ByteBuffer(string: "PUB a \(NATSWireFrameDecoder.maxPayload + 1)\r\n")
        #expect(throws: NATSWireError.self) { _ = try NATSWireFrameDecoder.next(from: &huge) }
        var partial = ByteBuffer(string: "PUB a 10\r\nhel")
        #expect(try NATSWireFrameDecoder.next(from: &partial) == nil, "waits for the rest of the payload")
        #expect(partial.readableBytes == 13, "and consumes nothing meanwhile")
    }

    @Test func corruptionChangesOnlyBodyBytesAndKeepsTheFrameValid() throws {
        let paid = try #require(try Self.frames(Self.clientStream, splitAt: 0).first { $0.subject == "orders.paid" })
        var random = SplitMix64(seed: 42)
        let corrupted = paid.corrupted(bytes: 2, random: &random)
        var again = corrupted.bytes
        let reframed = try #require(try NATSWireFrameDecoder.next(from: &again))
        #expect(reframed.subject == "orders.paid" && reframed.body == paid.body)
        let before = Array(paid.bytes.readableBytesView), after = Array(corrupted.bytes.readableBytesView)
        let changed = before.indices.filter { before[$0] != after[$0] }
        #expect((1...2).contains(changed.count))
        #expect(changed.allSatisfy { paid.body.contains($0) }, "control line and headers untouched")
        var same = SplitMix64(seed: 42)
        #expect(paid.corrupted(bytes: 2, random: &same) == corrupted, "the same seed corrupts the same bytes")
        let empty = try #require(try Self.frames(Self.clientStream, splitAt: 0).first { $0.subject == "orders.empty" })
        #expect(empty.corrupted(bytes: 3, random: &random) == empty, "nothing to corrupt in an empty body")
    }

    @Test func rulesAreValidated() {
        #expect(throws: NATSFaultRuleError.self) { try NATSFaultRule(.reorder(window: 1), subjects: "a") }
        #expect(throws: NATSFaultRuleError.self) { try NATSFaultRule(.drop, subjects: "a", trigger: .everyNth(0)) }
        #expect(throws: NATSFaultRuleError.self) { try NATSFaultRule(.drop, subjects: "a", trigger: .probability(1.5)) }
        #expect(throws: NATSFaultRuleError.self) { try NATSFaultRule(.delay(by: .seconds(-1)), subjects: "a") }
        #expect(throws: NATSFaultRuleError.self) { try NATSFaultRule(.corrupt(bytes: 0), subjects: "a") }
        #expect(throws: NATSFaultRuleError.self) { try NATSFaultRule(.drop, subjects: "a b") }
        #expect(throws: NATSFaultRuleError.self) { try NATSFaultRule(.drop, subjects: "") }
    }

    /// Which of `count` messages per subject a plan chooses, subjects interleaved as given.
    static func chosen(seed: UInt64, rule: NATSFaultRule, subjects: [String], count: Int) -> [String: [Int]] {
        var plan = NATSFaultPlan(seed: seed)
        plan.add(rule)
        var chosen: [String: [Int]] = [:]
        for i in 0..<count {
            for subject in subjects {
                if let decision = plan.decide(subject: subject, direction: .toServer) {
                    #expect(decision.event.index == i + 1)
                    chosen[subject, default: []].append(i + 1)
                }
            }
        }
        return chosen
    }

    @Test func theSameSeedChoosesTheSameMessagesHoweverSubjectsInterleave() throws {
        let rule = try NATSFaultRule(.drop, subjects: "orders.*", trigger: .probability(0.3))
        let a = Self.chosen(seed: 7, rule: rule, subjects: ["orders.a", "orders.b"], count: 200)
        let b = Self.chosen(seed: 7, rule: rule, subjects: ["orders.b", "other.x", "orders.a"], count: 200)
        #expect(a == b.filter { $0.key != "other.x" } && b["other.x"] == nil)
        #expect((40...80).contains(a["orders.a"]?.count ?? 0), "about 30% of 200: \(a["orders.a"]?.count ?? 0)")
        #expect(a["orders.a"] != a["orders.b"], "subjects draw apart")
        #expect(Self.chosen(seed: 8, rule: rule, subjects: ["orders.a"], count: 200)["orders.a"] != a["orders.a"], "another seed, other messages")
    }

    @Test func everyNthCountsPerSubjectAndDirectionAndRestartsWhenTheRuleIsReplaced() throws {
        var plan = NATSFaultPlan(seed: 1)
        let rule = try NATSFaultRule(.duplicate, subjects: "a.>", direction: .toClient, trigger: .everyNth(3), name: "dup")
        plan.add(rule)
        let fired = (1...9).map { _ in plan.decide(subject: "a.x", direction: .toClient) != nil }
        #expect(fired == [false, false, true, false, false, true, false, false, true])
        #expect(plan.decide(subject: "a.x", direction: .toServer) == nil, "the other direction is not matched")
        #expect(plan.decide(subject: "b.x", direction: .toClient) == nil, "nor another subject")
        #expect(plan.decide(subject: "a.y", direction: .toClient) == nil && plan.decide(subject: "a.y", direction: .toClient) == nil
                && plan.decide(subject: "a.y", direction: .toClient)?.event.index == 3)
        plan.add(rule)
        #expect(plan.decide(subject: "a.x", direction: .toClient) == nil && plan.decide(subject: "a.x", direction: .toClient) == nil
                && plan.decide(subject: "a.x", direction: .toClient) != nil, "counts start again")
        #expect(plan.remove(named: "dup") && !plan.remove(named: "dup"))
        #expect(plan.decide(subject: "a.x", direction: .toClient) == nil)
    }

    // MARK: - The forwarder on in-memory channels

    /// A forwarder reading from `inbound`, writing to `peer`, with `rules` active.
    static func forwarder(_ rules: [NATSFaultRule], seed: UInt64 = 3) throws -> (EmbeddedChannel, EmbeddedChannel, NATSFaultCore) {
        let core = NATSFaultCore(seed: seed, onFault: { _ in })
        for rule in rules { core.add(rule) }
        let peer = EmbeddedChannel()
        let inbound = EmbeddedChannel()
        try NATSFaultRelay(core: core).install(on: inbound, peer: peer, towardServer: true, latency: { nil })
        return (inbound, peer, core)
    }

    static func publish(_ channel: EmbeddedChannel, _ subjects: [String]) throws {
        for (i, subject) in subjects.enumerated() { try channel.writeInbound(ByteBuffer(string: "PUB \(subject) 1\r\n\(i % 10)\r\n")) }
    }

    /// The payloads the peer received, in order.
    static func received(_ peer: EmbeddedChannel) throws -> [String] {
        var all = ByteBuffer()
        while var chunk = try peer.readOutbound(as: ByteBuffer.self) { all.writeBuffer(&chunk) }
        var out: [String] = []
        while let frame = try NATSWireFrameDecoder.next(from: &all) {
            let view = frame.bytes.readableBytesView
            out.append(frame.isMessage ? "\(frame.subject!)=\(String(decoding: view[(view.startIndex + frame.body.lowerBound)..<(view.startIndex + frame.body.upperBound)], as: UTF8.self))"
                                       : String(decoding: view, as: UTF8.self).trimmingCharacters(in: .newlines))
        }
        return out
    }

    @Test func dropAndDuplicateApplyToMatchingMessagesOnly() throws {
        let (inbound, peer, core) = try Self.forwarder([
            try NATSFaultRule(.drop, subjects: "lost.*", trigger: .everyNth(2)),
            try NATSFaultRule(.duplicate, subjects: "twice"),
        ])
        try inbound.writeInbound(ByteBuffer(string: "SUB lost.> 1\r\n"))
        try Self.publish(inbound, ["lost.a", "lost.a", "twice", "kept", "lost.a", "lost.a"])
        try inbound.writeInbound(ByteBuffer(string: "PING\r\n"))
        #expect(try Self.received(peer) == ["SUB lost.> 1", "lost.a=0", "twice=2", "twice=2", "kept=3", "lost.a=4", "PING"])
        #expect(core.events.map(\.description) == [
            "drop to_server 'lost.a' #2 (rule 'drop lost.* to_server every 2th')",
            "duplicate to_server 'twice' #1 (rule 'duplicate twice to_server always')",
            "drop to_server 'lost.a' #4 (rule 'drop lost.* to_server every 2th')",
        ])
    }

    @Test func delayLetsLaterMessagesPass() throws {
        let (inbound, peer, _) = try Self.forwarder([try NATSFaultRule(.delay(by: .milliseconds(500)), subjects: "late")])
        try Self.publish(inbound, ["late", "early"])
        #expect(try Self.received(peer) == ["early=1"])
        inbound.embeddedEventLoop.advanceTime(by: .milliseconds(499))
        #expect(try Self.received(peer).isEmpty)
        inbound.embeddedEventLoop.advanceTime(by: .milliseconds(1))
        #expect(try Self.received(peer) == ["late=0"])
    }

    @Test func reorderSendsAWindowInAnotherOrderAndFlushesAPartialOneAfterItsHold() throws {
        let rule = try NATSFaultRule(.reorder(window: 4, maxHold: .milliseconds(100)), subjects: "ev.>")
        var orders: Set<[String]> = []
        for seed: UInt64 in 1...6 {
            let (inbound, peer, core) = try Self.forwarder([rule], seed: seed)
            try Self.publish(inbound, ["ev.a", "ev.b", "other", "ev.c", "ev.d"])
            let got = try Self.received(peer)
            #expect(got.first == "other=2", "a message no rule holds passes at once")
            let window = Array(got.dropFirst())
            #expect(Set(window) == ["ev.a=0", "ev.b=1", "ev.c=3", "ev.d=4"] && window != ["ev.a=0", "ev.b=1", "ev.c=3", "ev.d=4"], "\(window)")
            orders.insert(window)
            #expect(core.events.count == 4)
            let (again, againPeer, _) = try Self.forwarder([rule], seed: seed)
            try Self.publish(again, ["ev.a", "ev.b", "other", "ev.c", "ev.d"])
            #expect(try Self.received(againPeer) == got, "the same seed, the same order")

            try Self.publish(inbound, ["ev.e"])
            #expect(try Self.received(peer).isEmpty)
            inbound.embeddedEventLoop.advanceTime(by: .milliseconds(100))
            #expect(try Self.received(peer) == ["ev.e=0"], "held no longer than maxHold")
        }
        #expect(orders.count > 1, "the order is drawn from the seed")
    }

    @Test func heldFramesAreSentBeforeTheConnectionEnds() throws {
        let (inbound, peer, _) = try Self.forwarder([try NATSFaultRule(.reorder(window: 10), subjects: ">")])
        try Self.publish(inbound, ["x", "y"])
        #expect(try Self.received(peer).isEmpty)
        _ = try? inbound.finish()
        #expect(Set(try Self.received(peer)) == ["x=0", "y=1"])
    }

    @Test func corruptKeepsTheFrameValidAndNamesTheMessage() throws {
        let (inbound, peer, core) = try Self.forwarder([try NATSFaultRule(.corrupt(bytes: 1), subjects: "c")])
        try inbound.writeInbound(ByteBuffer(string: "PUB c 4\r\nabcd\r\n"))
        let got = try Self.received(peer)
        #expect(got.count == 1 && got[0].hasPrefix("c=") && got[0] != "c=abcd", "\(got)")
        #expect(core.events.first?.subject == "c" && core.events.first?.action == "corrupt 1 byte")
    }

    @Test func bytesThatAreNotNATSCloseTheConnectionAndAreReported() throws {
        let (inbound, peer, core) = try Self.forwarder([])
        try? inbound.writeInbound(ByteBuffer(string: "PUB a b c d e\r\n"))
        #expect(core.problems.count == 1 && core.problems[0].contains("not a NATS message line"), "\(core.problems)")
        #expect(!inbound.isActive && !peer.isActive)
    }
}
