import NIOCore

/// The channel handler of one connection: feeds inbound bytes to the parser, runs the
/// connection's state machine (INFO → CONNECT + PING → PONG, server PINGs answered at once), and
/// hands each read's messages to the client in one batch, stamped as they came off the socket.
final class NATSInboundHandler: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    private var parser = NATSParser()
    private var machine = NATSConnectionStateMachine()
    private var batch: [NATSMessage] = []
    private let client: NATSClient
    private let generation: Int
    private let handshake: EventLoopPromise<Void>

    init(client: NATSClient, generation: Int, handshake: EventLoopPromise<Void>) {
        self.client = client
        self.generation = generation
        self.handshake = handshake
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let buffer = unwrapInboundIn(data)
        parser.append(buffer.readableBytesView)
        // One instant per read: every message of a read arrived together.
        var now: ContinuousClock.Instant?
        do {
            while let op = try parser.next() {
                switch machine.received(op) {
                case .ignore:
                    return
                case .sendPong:
                    context.writeAndFlush(wrapOutboundOut(NATSFrameEncoder.frame(NATSFrameEncoder.pong)), promise: nil)
                case .sendConnect(let info):
                    do {
                        let connect = try client.acceptInfo(info, upgrade: { try context.pipeline.syncOperations.addHandler($0, position: .first) })
                        context.writeAndFlush(wrapOutboundOut(connect), promise: nil)
                    } catch {
                        failHandshake(NATSClient.natsError(error), context: context)
                        return
                    }
                case .completeHandshake:
                    handshake.succeed(())
                case .failHandshake(let error):
                    failHandshake(client.handshakeError(error), context: context)
                    return
                case .forward:
                    if case .msg(var message) = op {
                        if now == nil { now = .now }
                        client.stamp(&message, at: now!)
                        batch.append(message)
                    } else {
                        flushBatch()
                        client.handle(op)
                    }
                }
            }
            flushBatch()
        } catch {
            batch.removeAll()
            let error = NATSClient.natsError(error)
            if case .failHandshake(let e) = machine.failed(error) {
                failHandshake(e, context: context)
            } else {
                client.shutDown(error: error)
                context.close(promise: nil)
            }
        }
    }

    private func flushBatch() {
        guard !batch.isEmpty else { return }
        client.deliver(batch)
        batch.removeAll(keepingCapacity: true)
    }

    private func failHandshake(_ error: NATSError, context: ChannelHandlerContext) {
        handshake.fail(error)
        context.close(promise: nil)
    }

    func channelInactive(context: ChannelHandlerContext) {
        switch machine.closed() {
        case .failHandshake(let error): handshake.fail(error)
        case .connectionLost: client.connectionLost(generation: generation)
        case .none: break
        }
        context.fireChannelInactive()
    }

    /// A handler removed before its connection ended (a channel that never became active) fails
    /// the handshake rather than leave it waiting.
    func handlerRemoved(context: ChannelHandlerContext) {
        if case .failHandshake(let error) = machine.closed() { handshake.fail(error) }
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        if case .failHandshake(let e) = machine.failed(NATSClient.natsError(error)) { handshake.fail(e) }
        context.close(promise: nil)
    }
}
