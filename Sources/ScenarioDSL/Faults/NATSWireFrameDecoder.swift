import NIOCore

/// Splits either direction of the NATS protocol into `NATSWireFrame`s without changing a byte:
/// a control line up to its line feed, and for `PUB`, `HPUB`, `MSG` and `HMSG` the payload and its
/// CRLF as well. A control line over 1 MiB or a payload over 64 MiB is refused (the connection is
/// closed) instead of growing the buffer without bound.
struct NATSWireFrameDecoder: ByteToMessageDecoder {
    typealias InboundOut = NATSWireFrame
    static let maxLine = 1 << 20
    static let maxPayload = 64 << 20

    mutating func decode(context: ChannelHandlerContext, buffer: inout ByteBuffer) throws -> DecodingState {
        guard let frame = try Self.next(from: &buffer) else { return .needMoreData }
        context.fireChannelRead(wrapInboundOut(frame))
        return .continue
    }

    mutating func decodeLast(context: ChannelHandlerContext, buffer: inout ByteBuffer, seenEOF: Bool) throws -> DecodingState {
        try decode(context: context, buffer: &buffer)
    }

    /// The next whole frame at the front of `buffer` (consumed), or nil when more bytes are needed.
    static func next(from buffer: inout ByteBuffer) throws -> NATSWireFrame? {
        let view = buffer.readableBytesView
        guard let lineFeed = view.firstIndex(of: 0x0A) else {
            if view.count > maxLine { throw NATSWireError.lineTooLong(view.count) }
            return nil
        }
        let lineLength = lineFeed - view.startIndex + 1
        var lineEnd = lineFeed
        if lineEnd > view.startIndex, view[lineEnd - 1] == 0x0D { lineEnd -= 1 }
        let fields = view[view.startIndex..<lineEnd].split(whereSeparator: { $0 == 0x20 || $0 == 0x09 })
        guard let op = fields.first, let shape = MessageShape(op: op) else {
            return NATSWireFrame(bytes: buffer.readSlice(length: lineLength)!, subject: nil, body: 0..<0)
        }
        let args = Array(fields.dropFirst())
        guard shape.argumentCounts.contains(args.count),
              let total = number(args[args.count - 1]),
              let headers = shape.hasHeaders ? number(args[args.count - 2]) : 0,
              headers <= total else {
            throw NATSWireError.badMessageLine(String(decoding: view[view.startIndex..<lineEnd].prefix(120), as: UTF8.self))
        }
        guard total <= maxPayload else { throw NATSWireError.payloadTooLarge(total) }
        let frameLength = lineLength + total + 2
        guard view.count >= frameLength else { return nil }
        let subject = String(decoding: args[0], as: UTF8.self)
        let bytes = buffer.readSlice(length: frameLength)!
        return NATSWireFrame(bytes: bytes, subject: subject, body: (lineLength + headers)..<(lineLength + total))
    }

    private static func number(_ bytes: ByteBufferView.SubSequence) -> Int? {
        guard !bytes.isEmpty, bytes.count < 19 else { return nil }
        var n = 0
        for byte in bytes {
            guard byte >= 0x30, byte <= 0x39 else { return nil }
            n = n * 10 + Int(byte - 0x30)
        }
        return n
    }

    /// The message operations and how many arguments each takes.
    private enum MessageShape {
        case pub, hpub, msg, hmsg

        init?(op: ByteBufferView.SubSequence) {
            switch String(decoding: op, as: UTF8.self).uppercased() {
            case "PUB": self = .pub
            case "HPUB": self = .hpub
            case "MSG": self = .msg
            case "HMSG": self = .hmsg
            default: return nil
            }
        }

        var hasHeaders: Bool { self == .hpub || self == .hmsg }

        /// subject [sid] [reply] [#header bytes] #total bytes
        var argumentCounts: ClosedRange<Int> {
            switch self {
            case .pub: 2...3
            case .hpub: 3...4
            case .msg: 3...4
            case .hmsg: 4...5
            }
        }
    }
}
