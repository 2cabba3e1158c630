import Foundation

/// Incremental parser of the NATS server protocol: feed bytes, take complete operations.
package struct NATSParser: Sendable {
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
        let first = buffer[start] | 0x20
        if first == UInt8(ascii: "m") || first == UInt8(ascii: "h") {
            if let op = try fastMessage(lineEnd: lineEnd) { return op }
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
        default:
            throw NATSError.protocolViolation("unknown operation '\(line.prefix(40))'")
        }
    }

    /// MSG/HMSG without building intermediate strings: fields are split on spaces in place.
    private mutating func fastMessage(lineEnd: Int) throws -> NATSServerOp?? {
        var fields: [Range<Int>] = []
        fields.reserveCapacity(6)
        var i = start
        while i < lineEnd {
            while i < lineEnd && (buffer[i] == 0x20 || buffer[i] == 0x09) { i += 1 }
            let fieldStart = i
            while i < lineEnd && buffer[i] != 0x20 && buffer[i] != 0x09 { i += 1 }
            if i > fieldStart { fields.append(fieldStart..<i) }
        }
        let opBytes = buffer[fields[0]]
        let isMsg = opBytes.count == 3 && opBytes.elementsEqual("MSG".utf8, by: { ($0 & 0xDF) == $1 })
        let isHmsg = opBytes.count == 4 && opBytes.elementsEqual("HMSG".utf8, by: { ($0 & 0xDF) == $1 })
        guard isMsg || isHmsg else {
            throw NATSError.protocolViolation("unknown operation '\(String(decoding: buffer[start..<min(lineEnd, start + 40)], as: UTF8.self))'")
        }
        let args = fields.dropFirst()
        let expected = isHmsg ? [4, 5] : [3, 4]
        func bad() -> NATSError { .protocolViolation("bad \(isHmsg ? "HMSG" : "MSG") line: \(String(decoding: buffer[start..<lineEnd], as: UTF8.self))") }
        guard expected.contains(args.count) else { throw bad() }
        let argList = Array(args)
        guard let total = number(argList[argList.count - 1]), let sid = number(argList[1]) else { throw bad() }
        let headerLength = isHmsg ? (number(argList[argList.count - 2]) ?? -1) : 0
        guard headerLength >= 0, headerLength <= total else { throw bad() }
        let bodyStart = lineEnd + 2
        guard buffer.count >= bodyStart + total + 2 else { return .some(nil) }
        let subject = String(decoding: buffer[argList[0]], as: UTF8.self)
        let reply = argList.count == expected[1] ? String(decoding: buffer[argList[2]], as: UTF8.self) : nil
        let headers = isHmsg ? try NATSHeaders.parse(buffer[bodyStart..<(bodyStart + headerLength)]) : nil
        let payload = Data(buffer[(bodyStart + headerLength)..<(bodyStart + total)])
        start = bodyStart + total + 2
        return .msg(NATSMessage(subject: subject, sid: UInt64(sid), replyTo: reply, headers: headers, payload: payload))
    }

    private func number(_ range: Range<Int>) -> Int? {
        guard !range.isEmpty, range.count < 19 else { return nil }
        var n = 0
        for i in range {
            let d = Int(buffer[i]) - 48
            guard d >= 0 && d <= 9 else { return nil }
            n = n * 10 + d
        }
        return n
    }

    private func findCRLF(from index: Int) -> Int? {
        buffer.withUnsafeBufferPointer { p -> Int? in
            var i = index
            while i < p.count {
                guard let found = memchr(p.baseAddress! + i, 0x0A, p.count - i) else { return nil }
                let at = p.baseAddress!.distance(to: found.assumingMemoryBound(to: UInt8.self))
                if at > index && p[at - 1] == 0x0D { return at - 1 }
                i = at + 1
            }
            return nil
        }
    }
}
