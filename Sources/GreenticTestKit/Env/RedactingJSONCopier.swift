/// Copies a JSON document into a byte buffer while validating it, compact and redacted on the
/// way: a string member whose name looks secret becomes `"<redacted>"` and every registered
/// secret value inside a string is hidden (`EvidencePolicy`).
///
/// It is how the timeline records bodies and payloads. Parsing into `JSONValue`, redacting the
/// tree and writing it back was most of what recording a message cost; this is one pass that
/// builds nothing. Member order, repeated members and the spelling of numbers are kept as sent;
/// the grammar is the one `JSONParser` reads (RFC 8259, well-formed UTF-8, surrogate pairs,
/// numbers that fit a double, nesting up to `JSONParser.maxDepth`), so every copy parses.
struct RedactingJSONCopier: JSONByteScanning {
    struct Invalid: Error {}

    let bytes: UnsafeRawBufferPointer
    private let secrets: [[UInt8]]
    var index = 0
    private var depth = 0
    /// Decoded text of a string with escapes, reused between strings.
    private var scratch: [UInt8] = []

    /// Appends the copy of `bytes` to `out` and returns true when `bytes` is a JSON object or
    /// array; otherwise leaves `out` as it was and returns false.
    static func copy(_ bytes: UnsafeRawBufferPointer, secrets: [[UInt8]], into out: inout [UInt8]) -> Bool {
        let mark = out.count
        var copier = RedactingJSONCopier(bytes: bytes, secrets: secrets)
        do throws(Invalid) {
            try copier.document(into: &out)
            return true
        } catch {
            out.removeSubrange(mark...)
            return false
        }
    }

    private init(bytes: UnsafeRawBufferPointer, secrets: [[UInt8]]) {
        self.bytes = bytes
        self.secrets = secrets
    }

    private mutating func document(into out: inout [UInt8]) throws(Invalid) {
        if bytes.count >= 3, bytes[0] == 0xEF, bytes[1] == 0xBB, bytes[2] == 0xBF { index = 3 }
        skipWhitespace()
        guard let first = peek(), first == UInt8(ascii: "{") || first == UInt8(ascii: "[") else { throw Invalid() }
        try value(into: &out, secretMember: false)
        skipWhitespace()
        guard index == bytes.count else { throw Invalid() }
    }

    private mutating func value(into out: inout [UInt8], secretMember: Bool) throws(Invalid) {
        guard let byte = peek() else { throw Invalid() }
        switch byte {
        case UInt8(ascii: "{"): try object(into: &out)
        case UInt8(ascii: "["): try array(into: &out)
        case UInt8(ascii: "\""): try stringValue(into: &out, redact: secretMember)
        case UInt8(ascii: "t"): try literal("true", into: &out)
        case UInt8(ascii: "f"): try literal("false", into: &out)
        case UInt8(ascii: "n"): try literal("null", into: &out)
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): try number(into: &out)
        default: throw Invalid()
        }
    }

    private mutating func object(into out: inout [UInt8]) throws(Invalid) {
        try enter()
        index += 1
        out.append(UInt8(ascii: "{"))
        skipWhitespace()
        if peek() == UInt8(ascii: "}") {
            index += 1
        } else {
            while true {
                skipWhitespace()
                guard peek() == UInt8(ascii: "\"") else { throw Invalid() }
                let key = try scanString()
                out.append(raw: bytes, key.start - 1..<key.end + 1)
                let secret: Bool
                if key.escaped {
                    decode(key)
                    secret = scratch.withUnsafeBytes { EvidencePolicy.isSecretName(utf8: $0) }
                } else {
                    secret = EvidencePolicy.isSecretName(utf8: UnsafeRawBufferPointer(rebasing: bytes[key.start..<key.end]))
                }
                skipWhitespace()
                guard peek() == UInt8(ascii: ":") else { throw Invalid() }
                index += 1
                out.append(UInt8(ascii: ":"))
                skipWhitespace()
                try value(into: &out, secretMember: secret)
                skipWhitespace()
                guard let next = peek() else { throw Invalid() }
                index += 1
                if next == UInt8(ascii: "}") { break }
                guard next == UInt8(ascii: ",") else { throw Invalid() }
                out.append(UInt8(ascii: ","))
            }
        }
        out.append(UInt8(ascii: "}"))
        depth -= 1
    }

    private mutating func array(into out: inout [UInt8]) throws(Invalid) {
        try enter()
        index += 1
        out.append(UInt8(ascii: "["))
        skipWhitespace()
        if peek() == UInt8(ascii: "]") {
            index += 1
        } else {
            while true {
                skipWhitespace()
                try value(into: &out, secretMember: false)
                skipWhitespace()
                guard let next = peek() else { throw Invalid() }
                index += 1
                if next == UInt8(ascii: "]") { break }
                guard next == UInt8(ascii: ",") else { throw Invalid() }
                out.append(UInt8(ascii: ","))
            }
        }
        out.append(UInt8(ascii: "]"))
        depth -= 1
    }

    private mutating func enter() throws(Invalid) {
        depth += 1
        if depth > JSONParser.maxDepth { throw Invalid() }
    }

    /// A string value: redacted whole under a secret-looking name, else copied with every
    /// registered secret hidden.
    private mutating func stringValue(into out: inout [UInt8], redact: Bool) throws(Invalid) {
        let string = try scanString()
        if redact {
            JSONWriter.writeString(EvidencePolicy.redacted, into: &out)
            return
        }
        let raw = UnsafeRawBufferPointer(rebasing: bytes[string.start..<string.end])
        if !secrets.isEmpty {
            if string.escaped {
                decode(string)
                if let hidden = EvidencePolicy.hide(secrets, in: scratch) {
                    hidden.withUnsafeBytes { JSONWriter.writeString(utf8: $0, into: &out) }
                    return
                }
            } else if let hidden = EvidencePolicy.hide(secrets, in: raw) {
                // Unescaped text holds no quote, backslash or control byte, so it is its own literal.
                out.append(UInt8(ascii: "\""))
                out.append(contentsOf: hidden)
                out.append(UInt8(ascii: "\""))
                return
            }
        }
        out.append(raw: bytes, string.start - 1..<string.end + 1)
    }

    /// Where a string's content lies (between its quotes) and whether it has escapes.
    struct StringSpan {
        var start: Int
        var end: Int
        var escaped: Bool
    }

    /// Validates the string at `index` (its opening quote); the index ends after the closing quote.
    private mutating func scanString() throws(Invalid) -> StringSpan {
        index += 1
        let start = index
        var escaped = false
        var ascii = true
        while index < bytes.count {
            let byte = bytes[index]
            switch byte {
            case UInt8(ascii: "\""):
                let span = StringSpan(start: start, end: index, escaped: escaped)
                index += 1
                if !ascii, String(validating: UnsafeRawBufferPointer(rebasing: bytes[start..<span.end]), as: UTF8.self) == nil {
                    throw Invalid()
                }
                return span
            case UInt8(ascii: "\\"):
                escaped = true
                index += 1
                guard let escape = peek() else { throw Invalid() }
                index += 1
                switch escape {
                case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"), UInt8(ascii: "b"), UInt8(ascii: "f"),
                     UInt8(ascii: "n"), UInt8(ascii: "r"), UInt8(ascii: "t"):
                    break
                case UInt8(ascii: "u"):
                    let unit = try hex4()
                    if (0xD800...0xDBFF).contains(unit) {
                        guard index + 1 < bytes.count, bytes[index] == UInt8(ascii: "\\"), bytes[index + 1] == UInt8(ascii: "u") else { throw Invalid() }
                        index += 2
                        guard (0xDC00...0xDFFF).contains(try hex4()) else { throw Invalid() }
                    } else if (0xDC00...0xDFFF).contains(unit) {
                        throw Invalid()
                    }
                default: throw Invalid()
                }
            default:
                if byte < 0x20 { throw Invalid() }
                if byte >= 0x80 { ascii = false }
                index += 1
            }
        }
        throw Invalid()
    }

    private mutating func hex4() throws(Invalid) -> UInt32 {
        guard index + 4 <= bytes.count else { throw Invalid() }
        var value: UInt32 = 0
        for _ in 0..<4 {
            guard let digit = Self.hexValue(bytes[index]) else { throw Invalid() }
            value = value << 4 | UInt32(digit)
            index += 1
        }
        return value
    }

    /// Decodes a validated string with escapes into `scratch`.
    private mutating func decode(_ span: StringSpan) {
        scratch.removeAll(keepingCapacity: true)
        var i = span.start
        func hex(_ at: Int) -> UInt32 {
            var value: UInt32 = 0
            for byte in bytes[at..<at + 4] {
                let digit = byte <= UInt8(ascii: "9") ? byte - UInt8(ascii: "0") : (byte | 0x20) - UInt8(ascii: "a") + 10
                value = value << 4 | UInt32(digit)
            }
            return value
        }
        while i < span.end {
            let byte = bytes[i]
            guard byte == UInt8(ascii: "\\") else {
                scratch.append(byte)
                i += 1
                continue
            }
            let escape = bytes[i + 1]
            i += 2
            // The span was validated when it was read: every escape is one JSON allows.
            switch escape {
            case UInt8(ascii: "u"):
                var scalar = hex(i)
                i += 4
                if (0xD800...0xDBFF).contains(scalar) {
                    scalar = 0x10000 + ((scalar - 0xD800) << 10) + (hex(i + 2) - 0xDC00)
                    i += 6
                }
                UTF8.encode(Unicode.Scalar(scalar)!) { scratch.append($0) }
            default: scratch.append(Self.unescaped(escape) ?? escape)
            }
        }
    }

    /// Copies a number in RFC 8259's grammar; one with a fraction, an exponent or over 15
    /// digits must also fit a double, as `JSONParser` requires.
    private mutating func number(into out: inout [UInt8]) throws(Invalid) {
        let start = index
        if bytes[index] == UInt8(ascii: "-") { index += 1 }
        guard let lead = peek(), isDigit(lead) else { throw Invalid() }
        var digits = 0
        if lead == UInt8(ascii: "0") {
            index += 1
            if let next = peek(), isDigit(next) { throw Invalid() }
        } else {
            while let next = peek(), isDigit(next) {
                digits += 1
                index += 1
            }
        }
        var simple = digits <= 15
        if peek() == UInt8(ascii: ".") {
            simple = false
            index += 1
            guard let next = peek(), isDigit(next) else { throw Invalid() }
            while let next = peek(), isDigit(next) { index += 1 }
        }
        if let e = peek(), e == UInt8(ascii: "e") || e == UInt8(ascii: "E") {
            simple = false
            index += 1
            if let sign = peek(), sign == UInt8(ascii: "+") || sign == UInt8(ascii: "-") { index += 1 }
            guard let next = peek(), isDigit(next) else { throw Invalid() }
            while let next = peek(), isDigit(next) { index += 1 }
        }
        let text = UnsafeRawBufferPointer(rebasing: bytes[start..<index])
        if !simple {
            guard let value = Double(String(decoding: text, as: UTF8.self)), value.isFinite else { throw Invalid() }
        }
        out.append(raw: text)
    }

    private mutating func literal(_ word: StaticString, into out: inout [UInt8]) throws(Invalid) {
        let expected = UnsafeRawBufferPointer(start: word.utf8Start, count: word.utf8CodeUnitCount)
        guard index + expected.count <= bytes.count,
              UnsafeRawBufferPointer(rebasing: bytes[index..<index + expected.count]).elementsEqual(expected) else { throw Invalid() }
        index += expected.count
        out.append(raw: expected)
    }
}
