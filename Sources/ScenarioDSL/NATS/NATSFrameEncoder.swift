import Foundation
import GreenticTestKit
import NIOCore

/// Writes the client's protocol operations (`CONNECT`, `PUB`/`HPUB`, `SUB`, `UNSUB`, `PING`,
/// `PONG`) into a buffer: the one place that knows their bytes.
enum NATSFrameEncoder {
    static func connect(_ fields: [String: JSONValue], into buffer: inout ByteBuffer) {
        buffer.writeStaticString("CONNECT ")
        buffer.writeString(JSONWriter.compact(.object(fields)))
        buffer.writeStaticString("\r\nPING\r\n")
    }

    /// `PUB subject [reply] size` or, with headers, `HPUB subject [reply] headerSize totalSize`.
    static func publish(subject: String, replyTo: String?, headers: [UInt8]?, payload: Data, into buffer: inout ByteBuffer) {
        let total = (headers?.count ?? 0) + payload.count
        buffer.reserveCapacity(minimumWritableBytes: subject.utf8.count + (replyTo?.utf8.count ?? 0) + total + 40)
        buffer.writeStaticString(headers != nil ? "HPUB " : "PUB ")
        buffer.writeString(subject)
        if let replyTo {
            buffer.writeStaticString(" ")
            buffer.writeString(replyTo)
        }
        if let headers {
            buffer.writeStaticString(" ")
            writeDecimal(headers.count, into: &buffer)
        }
        buffer.writeStaticString(" ")
        writeDecimal(total, into: &buffer)
        buffer.writeStaticString("\r\n")
        if let headers { buffer.writeBytes(headers) }
        buffer.writeBytes(payload)
        buffer.writeStaticString("\r\n")
    }

    static func subscribe(subject: String, queue: String?, sid: UInt64, into buffer: inout ByteBuffer) {
        buffer.writeStaticString("SUB ")
        buffer.writeString(subject)
        if let queue {
            buffer.writeStaticString(" ")
            buffer.writeString(queue)
        }
        buffer.writeStaticString(" ")
        writeDecimal(Int(sid), into: &buffer)
        buffer.writeStaticString("\r\n")
    }

    /// `UNSUB sid` now, or `UNSUB sid max` to end after `max` messages in total.
    static func unsubscribe(sid: UInt64, after max: Int?, into buffer: inout ByteBuffer) {
        buffer.writeStaticString("UNSUB ")
        writeDecimal(Int(sid), into: &buffer)
        if let max {
            buffer.writeStaticString(" ")
            writeDecimal(max, into: &buffer)
        }
        buffer.writeStaticString("\r\n")
    }

    static func ping(into buffer: inout ByteBuffer) { buffer.writeStaticString("PING\r\n") }
    static func pong(into buffer: inout ByteBuffer) { buffer.writeStaticString("PONG\r\n") }

    /// One frame on its own buffer.
    static func frame(_ write: (inout ByteBuffer) -> Void) -> ByteBuffer {
        var buffer = ByteBufferAllocator().buffer(capacity: 64)
        write(&buffer)
        return buffer
    }

    private static func writeDecimal(_ value: Int, into buffer: inout ByteBuffer) {
        if value < 10 {
            buffer.writeInteger(UInt8(48 + value))
            return
        }
        var digits: (UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8) =
            (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
        var n = value, count = 0
        withUnsafeMutableBytes(of: &digits) { p in
            while n > 0 {
                p[19 - count] = UInt8(48 + n % 10)
                n /= 10
                count += 1
            }
            buffer.writeBytes(UnsafeRawBufferPointer(rebasing: p[(20 - count)...]))
        }
    }
}
