import GreenticTestKit
import NIOCore

/// One direction of a NATS connection through the fault proxy: takes whole frames from its
/// channel, lets the plan choose a fault for each message, and writes the result to the peer.
/// Runs on its channel's event loop only; frames held for a reorder window live here and are
/// sent before the peer is closed when the connection ends.
final class NATSFaultForwarder: ChannelInboundHandler {
    typealias InboundIn = NATSWireFrame

    private let peer: any Channel
    private let direction: NATSFaultRule.Direction
    private let faults: NATSFaultCore
    private let latency: @Sendable () -> Duration?
    /// Frames held by reorder rules, by rule name.
    private var held: [String: HeldFrames] = [:]

    private struct HeldFrames {
        var frames: [NATSWireFrame] = []
        var random: SplitMix64
        var window: Int
        var timer: Scheduled<Void>?
    }

    init(peer: any Channel, direction: NATSFaultRule.Direction, faults: NATSFaultCore, latency: @escaping @Sendable () -> Duration?) {
        self.peer = peer
        self.direction = direction
        self.faults = faults
        self.latency = latency
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let frame = unwrapInboundIn(data)
        guard let subject = frame.subject, var decision = faults.decide(subject: subject, direction: direction) else {
            send(frame, after: .zero, on: context.eventLoop)
            return
        }
        switch decision.rule.action {
        case .drop:
            break
        case .duplicate:
            send(frame, after: .zero, on: context.eventLoop)
            send(frame, after: .zero, on: context.eventLoop)
        case .delay(let by, let jitter):
            let extra = jitter > .zero ? Duration.nanoseconds(Int64(decision.random.next(below: Int(max(1, jitter.wholeNanoseconds))))) : .zero
            send(frame, after: by + extra, on: context.eventLoop)
        case .corrupt(let bytes):
            send(frame.corrupted(bytes: bytes, random: &decision.random), after: .zero, on: context.eventLoop)
        case .reorder(let window, let maxHold):
            hold(frame, rule: decision.rule.name, window: window, maxHold: maxHold, random: decision.random, context: context)
        }
        faults.record(decision.event)
    }

    func channelInactive(context: ChannelHandlerContext) {
        for name in Array(held.keys) { release(name, on: context.eventLoop) }
        peer.close(promise: nil)
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        faults.reportClosed(direction: direction, reason: "\(error)")
        context.close(promise: nil)
    }

    private func hold(_ frame: NATSWireFrame, rule: String, window: Int, maxHold: Duration, random: SplitMix64, context: ChannelHandlerContext) {
        var entry = held[rule] ?? HeldFrames(random: random, window: window)
        entry.frames.append(frame)
        if entry.timer == nil {
            let bound = NIOLoopBound(self, eventLoop: context.eventLoop)
            let loop = context.eventLoop
            entry.timer = loop.scheduleTask(in: maxHold.timeAmount) { bound.value.release(rule, on: loop) }
        }
        held[rule] = entry
        if entry.frames.count >= window { release(rule, on: context.eventLoop) }
    }

    /// Sends what a reorder rule holds, in an order drawn from its generator that differs from
    /// the arrival order whenever two or more frames are held.
    private func release(_ rule: String, on loop: any EventLoop) {
        guard var entry = held.removeValue(forKey: rule) else { return }
        entry.timer?.cancel()
        var order = Array(entry.frames.indices)
        if order.count > 1 {
            order.shuffle(using: &entry.random)
            if order == Array(entry.frames.indices) { order.reverse() }
        }
        for i in order { send(entry.frames[i], after: .zero, on: loop) }
    }

    /// Writes `frame` to the peer after the fault's delay plus the proxy's byte-level latency;
    /// frames with the same total delay keep their order.
    private func send(_ frame: NATSWireFrame, after delay: Duration, on loop: any EventLoop) {
        let total = delay + (latency() ?? .zero)
        let peer = self.peer
        let bytes = frame.bytes
        if total > .zero {
            loop.scheduleTask(in: total.timeAmount) { peer.writeAndFlush(bytes, promise: nil) }
        } else {
            peer.writeAndFlush(bytes, promise: nil)
        }
    }
}
