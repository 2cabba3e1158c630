

/// Incremental RESP2 parser.
struct RESPParser {
    private var buffer: [UInt8] = []
    private var start = 0

    mutating func append(_ bytes: [UInt8]) {
        if start > 0 && start * 2 > buffer.count {
            buffer.removeFirst(start)
            start = 0
        }
        buffer += bytes
    }

    /// The next complete reply, or nil when more bytes are needed.
    mutating func next() throws -> RESPValue? {
        var index = start
        guard let value = try parse(&index) else { return nil }
        start = index
        return value
    }

    private func line(_ index: inout Int) -> String? {
        var i = index
        while i + 1 < buffer.count {
            if buffer[i] == 13 && buffer[i + 1] == 10 {
                let text = String(decoding: buffer[(index + 1)..<i], as: UTF8.self)
                index = i + 2
                return text
            }
            i += 1
        }
        return nil
    }

    private func parse(_ index: inout Int) throws -> RESPValue? {
        guard index < buffer.count else { return nil }
        let type = buffer[index]
        var i = index
        guard let text = line(&i) else { return nil }
        switch type {
        case UInt8(ascii: "+"): index = i; return .simple(text)
        case UInt8(ascii: "-"): index = i; return .error(text)
        case UInt8(ascii: ":"):
            guard let n = Int(text) else { throw SessionStoreError.redis("bad integer reply '\(text)'") }
            index = i
            return .integer(n)
        case UInt8(ascii: "$"):
            guard let n = Int(text) else { throw SessionStoreError.redis("bad bulk length '\(text)'") }
            if n < 0 { index = i; return .bulk(nil) }
            guard buffer.count >= i + n + 2 else { return nil }
            let bytes = Array(buffer[i..<(i + n)])
            index = i + n + 2
            return .bulk(bytes)
        case UInt8(ascii: "*"):
            guard let n = Int(text) else { throw SessionStoreError.redis("bad array length '\(text)'") }
            if n < 0 { index = i; return .array(nil) }
            var items: [RESPValue] = []
            for _ in 0..<n {
                guard let item = try parse(&i) else { return nil }
                items.append(item)
            }
            index = i
            return .array(items)
        default:
            throw SessionStoreError.redis("unexpected reply byte \(type)")
        }
    }
}
