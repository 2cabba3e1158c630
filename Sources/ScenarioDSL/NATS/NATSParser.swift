import Foundation

/// An operation sent by a NATS server.
public enum NATSServerOp: Sendable, Equatable {
    case info(String)
    case msg(NATSMessage)
    case ping
    case pong
    case ok
    case err(String)
}

/// Incremental parser of the NATS server protocol: feed bytes, take complete operations.
public struct NATSParser: Sendable {
    private var buffer: [UInt8] = []
    private var start = 0

    public init() {}

    public mutating func append(_ bytes: some Sequence<UInt8>) {
        if start > 65_536 && start > buffer.count / 2 {
            buffer.removeFirst(start)
            start = 0
        }
        buffer.append(contentsOf: bytes)
    }

    /// The next complete operation, or nil when more bytes are needed.
    public mutating func next() throws -> NATSServerOp? {
        guard let lineEnd = findCRLF(from: start) else {
            if buffer.count - start > 1_048_576 { throw NATSError.protocolViolation("control line longer than 1 MiB") }
            return nil
        }
        let line = String(decoding: buffer[start..<lineEnd], as: UTF8.self)
        let op = line.prefix(while: { $0 != " " && $0 != "\t" }).uppercased()
        let rest = line.dropFirst(op.count).trimmingCharacters(in: .whitespaces)
        switch op {
        case "PING": start = lineEnd + 2; return .ping
        case "PONG": start = lineEnd + 2; return .pong
        case "+OK": start = lineEnd + 2; return .ok
        case "-ERR":
            start = lineEnd + 2
            return .err(rest.trimmingCharacters(in: CharacterSet(charactersIn: "'")))
        case "INFO": start = lineEnd + 2; return .info(rest)
        case "MSG", "HMSG":
            let args = rest.split(whereSeparator: { $0 == " " || $0 == "\t" }).map(String.init)
            let hasHeaders = op == "HMSG"
            let expected = hasHeaders ? [4, 5] : [3, 4]
            guard expected.contains(args.count) else { throw NATSError.protocolViolation("bad \(op) line: \(line)") }
            let withReply = args.count == expected[1]
            guard let total = Int(args.last!), let sid = UInt64(args[1]) else {
                throw NATSError.protocolViolation("bad \(op) line: \(line)")
            }
            let headerLength = hasHeaders ? Int(args[args.count - 2]) ?? -1 : 0
            guard headerLength >= 0, headerLength <= total else { throw NATSError.protocolViolation("bad \(op) sizes: \(line)") }
            let bodyStart = lineEnd + 2
            guard buffer.count >= bodyStart + total + 2 else { return nil }
            let headerBytes = buffer[bodyStart..<(bodyStart + headerLength)]
            let payload = Data(buffer[(bodyStart + headerLength)..<(bodyStart + total)])
            start = bodyStart + total + 2
            let headers = hasHeaders ? try NATSHeaders.parse(headerBytes) : nil
            return .msg(NATSMessage(subject: args[0], sid: sid, replyTo: withReply ? args[2] : nil, headers: headers, payload: payload))
        default:
            throw NATSError.protocolViolation("unknown operation '\(line.prefix(40))'")
        }
    }

    private func findCRLF(from index: Int) -> Int? {
        var i = index
        while i + 1 < buffer.count {
            if buffer[i] == 13 && buffer[i + 1] == 10 { return i }
            i += 1
        }
        return nil
    }
}
