import Foundation

/// A strict RFC 8259 reader from UTF-8 bytes to `JSONValue`.
///
/// It exists because `JSONDecoder` decodes an untyped value by trying each JSON type in turn and
/// throwing for every miss, which made a parse cost tens of microseconds; timelines and wiretaps
/// parse every message they record. Fragments (a bare string or number) are accepted, a leading
/// UTF-8 byte-order mark is skipped, nesting is limited to `maxDepth`, a repeated object key keeps
/// its last value.
struct JSONParser: JSONByteScanning {
    static let maxDepth = 512

    static func parse(_ data: Data) throws(JSONParseError) -> JSONValue {
        let result: Result<JSONValue, JSONParseError> = data.withUnsafeBytes { raw in
            var parser = JSONParser(bytes: raw)
            return Result { () throws(JSONParseError) in try parser.document() }
        }
        return try result.get()
    }

    let bytes: UnsafeRawBufferPointer
    var index = 0
    private var depth = 0

    private init(bytes: UnsafeRawBufferPointer) {
        self.bytes = bytes
    }

    private mutating func document() throws(JSONParseError) -> JSONValue {
        if bytes.count >= 3, bytes[0] == 0xEF, bytes[1] == 0xBB, bytes[2] == 0xBF { index = 3 }
        skipWhitespace()
        let value = try self.value()
        skipWhitespace()
        if index < bytes.count { throw failure("unexpected \(describe(bytes[index])) after the document") }
        return value
    }

    private mutating func value() throws(JSONParseError) -> JSONValue {
        guard index < bytes.count else { throw failure("unexpected end of input, expected a value") }
        switch bytes[index] {
        case UInt8(ascii: "{"): return try object()
        case UInt8(ascii: "["): return try array()
        case UInt8(ascii: "\""): return .string(try string())
        case UInt8(ascii: "t"): try literal("true"); return .bool(true)
        case UInt8(ascii: "f"): try literal("false"); return .bool(false)
        case UInt8(ascii: "n"): try literal("null"); return .null
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return .number(try number())
        case let byte: throw failure("unexpected \(describe(byte)), expected a value")
        }
    }

    private mutating func object() throws(JSONParseError) -> JSONValue {
        try enter()
        index += 1
        var members: [String: JSONValue] = [:]
        skipWhitespace()
        if peek() == UInt8(ascii: "}") {
            index += 1
            depth -= 1
            return .object(members)
        }
        while true {
            skipWhitespace()
            guard peek() == UInt8(ascii: "\"") else { throw failure("expected a member name in double quotes, found \(describeNext())") }
            let key = try string()
            skipWhitespace()
            guard peek() == UInt8(ascii: ":") else { throw failure("expected ':' after the member name \"\(key)\", found \(describeNext())") }
            index += 1
            skipWhitespace()
            members[key] = try value()
            skipWhitespace()
            switch peek() {
            case UInt8(ascii: ","): index += 1
            case UInt8(ascii: "}"):
                index += 1
                depth -= 1
                return .object(members)
            default: throw failure("expected ',' or '}' after an object member, found \(describeNext())")
            }
        }
    }

    private mutating func array() throws(JSONParseError) -> JSONValue {
        try enter()
        index += 1
        var items: [JSONValue] = []
        skipWhitespace()
        if peek() == UInt8(ascii: "]") {
            index += 1
            depth -= 1
            return .array(items)
        }
        while true {
            skipWhitespace()
            items.append(try value())
            skipWhitespace()
            switch peek() {
            case UInt8(ascii: ","): index += 1
            case UInt8(ascii: "]"):
                index += 1
                depth -= 1
                return .array(items)
            default: throw failure("expected ',' or ']' after an array element, found \(describeNext())")
            }
        }
    }

    private mutating func enter() throws(JSONParseError) {
        depth += 1
        if depth > Self.maxDepth { throw failure("nesting deeper than \(Self.maxDepth) levels") }
    }

    /// Reads a string starting at its opening quote; the index ends after the closing quote.
    private mutating func string() throws(JSONParseError) -> String {
        let start = index
        index += 1
        let contentStart = index
        // Fast path: no escapes, so the content is the bytes themselves.
        while index < bytes.count {
            let byte = bytes[index]
            if byte == UInt8(ascii: "\"") {
                let text = try decodeUTF8(contentStart, index)
                index += 1
                return text
            }
            if byte == UInt8(ascii: "\\") { break }
            if byte < 0x20 { throw failure("unescaped control character \(describe(byte)) in a string") }
            index += 1
        }
        guard index < bytes.count else { throw failure("unterminated string starting at byte \(start)") }
        var utf8 = Array(bytes[contentStart..<index])
        while index < bytes.count {
            let byte = bytes[index]
            switch byte {
            case UInt8(ascii: "\""):
                index += 1
                guard let text = String(validating: utf8, as: UTF8.self) else {
                    throw JSONParseError(at: start, in: bytes, reason: "a string is not valid UTF-8")
                }
                return text
            case UInt8(ascii: "\\"):
                index += 1
                guard index < bytes.count else { break }
                let escape = bytes[index]
                index += 1
                if let plain = Self.unescaped(escape) {
                    utf8.append(plain)
                } else if escape == UInt8(ascii: "u") {
                    appendScalar(try unicodeEscape(), to: &utf8)
                } else {
                    index -= 1
                    throw failure("invalid escape '\\\(Character(Unicode.Scalar(escape)))' in a string")
                }
            default:
                if byte < 0x20 { throw failure("unescaped control character \(describe(byte)) in a string") }
                utf8.append(byte)
                index += 1
            }
        }
        throw JSONParseError(at: bytes.count, in: bytes, reason: "unterminated string starting at byte \(start)")
    }

    /// Reads the four hex digits after `\u` (and a low surrogate's escape after a high one).
    private mutating func unicodeEscape() throws(JSONParseError) -> Unicode.Scalar {
        let escapeStart = index - 2
        let high = try hex4()
        if (0xD800...0xDBFF).contains(high) {
            guard index + 1 < bytes.count, bytes[index] == UInt8(ascii: "\\"), bytes[index + 1] == UInt8(ascii: "u") else {
                throw JSONParseError(at: escapeStart, in: bytes, reason: "a high surrogate \\u\(String(high, radix: 16, uppercase: true)) without its low surrogate")
            }
            index += 2
            let low = try hex4()
            guard (0xDC00...0xDFFF).contains(low) else {
                throw JSONParseError(at: escapeStart, in: bytes, reason: "a high surrogate followed by \\u\(String(low, radix: 16, uppercase: true)), which is not a low surrogate")
            }
            return Unicode.Scalar(0x10000 + ((high - 0xD800) << 10) + (low - 0xDC00))!
        }
        guard let scalar = Unicode.Scalar(high) else {
            throw JSONParseError(at: escapeStart, in: bytes, reason: "a lone low surrogate \\u\(String(high, radix: 16, uppercase: true))")
        }
        return scalar
    }

    private mutating func hex4() throws(JSONParseError) -> UInt32 {
        var value: UInt32 = 0
        for _ in 0..<4 {
            guard index < bytes.count else { throw failure("unexpected end of input in a \\u escape") }
            let byte = bytes[index]
            guard let digit = Self.hexValue(byte) else { throw failure("expected four hex digits after \\u, found \(describe(byte))") }
            value = value << 4 | UInt32(digit)
            index += 1
        }
        return value
    }

    private func appendScalar(_ scalar: Unicode.Scalar, to utf8: inout [UInt8]) {
        UTF8.encode(scalar) { utf8.append($0) }
    }

    /// Reads a number with RFC 8259's grammar; whole numbers of up to 15 digits skip `strtod`.
    private mutating func number() throws(JSONParseError) -> Double {
        let start = index
        var negative = false
        if bytes[index] == UInt8(ascii: "-") {
            negative = true
            index += 1
        }
        guard index < bytes.count, isDigit(bytes[index]) else { throw failure("expected a digit in a number, found \(describeNext())") }
        var whole: Int64 = 0
        var digits = 0
        if bytes[index] == UInt8(ascii: "0") {
            index += 1
            if index < bytes.count, isDigit(bytes[index]) { throw failure("a number cannot have a leading zero") }
        } else {
            while index < bytes.count, isDigit(bytes[index]) {
                if digits < 18 { whole = whole * 10 + Int64(bytes[index] - UInt8(ascii: "0")) }
                digits += 1
                index += 1
            }
        }
        var simple = digits <= 15
        if index < bytes.count, bytes[index] == UInt8(ascii: ".") {
            simple = false
            index += 1
            guard index < bytes.count, isDigit(bytes[index]) else { throw failure("expected a digit after the decimal point, found \(describeNext())") }
            while index < bytes.count, isDigit(bytes[index]) { index += 1 }
        }
        if index < bytes.count, bytes[index] == UInt8(ascii: "e") || bytes[index] == UInt8(ascii: "E") {
            simple = false
            index += 1
            if index < bytes.count, bytes[index] == UInt8(ascii: "+") || bytes[index] == UInt8(ascii: "-") { index += 1 }
            guard index < bytes.count, isDigit(bytes[index]) else { throw failure("expected a digit in the exponent, found \(describeNext())") }
            while index < bytes.count, isDigit(bytes[index]) { index += 1 }
        }
        if simple {
            // -0 stays -0.0, as strtod reads it.
            return negative ? -Double(whole) : Double(whole)
        }
        let text = String(decoding: UnsafeRawBufferPointer(rebasing: bytes[start..<index]), as: UTF8.self)
        guard let value = Double(text), value.isFinite else {
            throw JSONParseError(at: start, in: bytes, reason: "the number \(text) does not fit a double")
        }
        return value
    }

    private mutating func literal(_ word: StaticString) throws(JSONParseError) {
        let expected = UnsafeRawBufferPointer(start: word.utf8Start, count: word.utf8CodeUnitCount)
        for offset in 0..<expected.count {
            guard index + offset < bytes.count, bytes[index + offset] == expected[offset] else {
                throw failure("unexpected \(describe(bytes[index])), expected a value")
            }
        }
        index += expected.count
    }

    private func decodeUTF8(_ from: Int, _ to: Int) throws(JSONParseError) -> String {
        let slice = UnsafeRawBufferPointer(rebasing: bytes[from..<to])
        // ASCII needs no validation; anything else must be well-formed UTF-8, as JSONDecoder requires.
        if !slice.contains(where: { $0 >= 0x80 }) { return String(decoding: slice, as: UTF8.self) }
        guard let text = String(validating: slice, as: UTF8.self) else {
            throw JSONParseError(at: from - 1, in: bytes, reason: "a string is not valid UTF-8")
        }
        return text
    }

    private func describeNext() -> String {
        index < bytes.count ? describe(bytes[index]) : "the end of the input"
    }

    private func describe(_ byte: UInt8) -> String {
        if byte >= 0x21 && byte < 0x7F { return "'\(Character(Unicode.Scalar(byte)))'" }
        return "byte 0x\(String(byte, radix: 16, uppercase: true))"
    }

    private func failure(_ reason: String) -> JSONParseError {
        JSONParseError(at: index, in: bytes, reason: reason)
    }
}
