import GreenticTestKit
import NIOCore

/// One NATS protocol operation as it crossed the wire, kept byte for byte so a proxy can forward,
/// hold, repeat or alter it. Messages (`PUB`/`HPUB` to the server, `MSG`/`HMSG` to the client)
/// carry their subject and where their body lies; every other operation (`CONNECT`, `SUB`,
/// `PING`, `INFO`, …) has no subject.
struct NATSWireFrame: Sendable, Equatable {
    var bytes: ByteBuffer
    /// The subject of a message; nil for every other operation.
    var subject: String?
    /// Where the message body (after any headers) lies within `bytes`' readable bytes.
    var body: Range<Int>

    var isMessage: Bool { subject != nil }

    /// The frame with `count` body bytes flipped at positions drawn from `random`; the control
    /// line, the headers and the sizes are untouched, so the frame stays valid.
    func corrupted(bytes count: Int, random: inout SplitMix64) -> NATSWireFrame {
        guard !body.isEmpty else { return self }
        var copy = self
        let readerIndex = copy.bytes.readerIndex
        for _ in 0..<max(1, count) {
            let at = readerIndex + body.lowerBound + random.next(below: body.count)
            let old = copy.bytes.getInteger(at: at, as: UInt8.self) ?? 0
            copy.bytes.setInteger(old ^ UInt8(1 + random.next(below: 255)), at: at)
        }
        return copy
    }
}
