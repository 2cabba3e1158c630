/// Writes `JSONValue`s as UTF-8 with keys in ascending byte order: compact, or pretty in the
/// serde_json style (2-space indent, `"key": value`), so output is byte-stable across runs.
///
/// Everything is written into a byte buffer (`[UInt8]`) and the `String` forms decode it once:
/// appending to a `String` piece by piece was most of what recording a timeline event cost.
public enum JSONWriter {
    public static func compact(_ value: JSONValue) -> String {
        string { write(value, into: &$0, pretty: false, level: 0) }
    }

    public static func pretty(_ value: JSONValue) -> String {
        string { write(value, into: &$0, pretty: true, level: 0) }
    }

    /// The text `write` puts into a fresh buffer, decoded once.
    static func string(_ write: (inout [UInt8]) -> Void) -> String {
        var out: [UInt8] = []
        write(&out)
        return String(decoding: out, as: UTF8.self)
    }

    /// Appends `value` to `out`, compact or pretty (`level` is the indent of the line it starts on).
    package static func write(_ value: JSONValue, into out: inout [UInt8], pretty: Bool = false, level: Int = 0) {
        switch value {
        case .null: out.append(literal: "null")
        case .bool(let b): out.append(literal: b ? "true" : "false")
        case .number(let n): writeNumber(n, into: &out)
        case .string(let s): writeString(s, into: &out)
        case .array(let items):
            writeArray(items, into: &out, pretty: pretty, level: level) { write($0, into: &$1, pretty: pretty, level: level + 1) }
        case .object(let members):
            writeObject(sortedMembers(members), into: &out, pretty: pretty, level: level) { write($0, into: &$1, pretty: pretty, level: level + 1) }
        }
    }

    /// `[a,b]`, one item a line when pretty; `element` writes an item at `level + 1`.
    static func writeArray<Item>(_ items: [Item], into out: inout [UInt8], pretty: Bool, level: Int,
                                 element: (Item, inout [UInt8]) -> Void) {
        if items.isEmpty { out.append(literal: "[]"); return }
        out.append(UInt8(ascii: "["))
        for (i, item) in items.enumerated() {
            if i > 0 { out.append(UInt8(ascii: ",")) }
            newline(&out, pretty: pretty, level: level + 1)
            element(item, &out)
        }
        newline(&out, pretty: pretty, level: level)
        out.append(UInt8(ascii: "]"))
    }

    /// `{"k":v}` in the members' order, one member a line when pretty; `member` writes a value
    /// at `level + 1`.
    static func writeObject<Value>(_ members: [(key: String, value: Value)], into out: inout [UInt8], pretty: Bool, level: Int,
                                   member: (Value, inout [UInt8]) -> Void) {
        if members.isEmpty { out.append(literal: "{}"); return }
        out.append(UInt8(ascii: "{"))
        for (i, (key, value)) in members.enumerated() {
            if i > 0 { out.append(UInt8(ascii: ",")) }
            newline(&out, pretty: pretty, level: level + 1)
            writeString(key, into: &out)
            out.append(UInt8(ascii: ":"))
            if pretty { out.append(UInt8(ascii: " ")) }
            member(value, &out)
        }
        newline(&out, pretty: pretty, level: level)
        out.append(UInt8(ascii: "}"))
    }

    /// An object's members in ascending byte order of their keys.
    static func sortedMembers(_ members: [String: JSONValue]) -> [(key: String, value: JSONValue)] {
        members.sorted { a, b in
            var ka = a.key, kb = b.key
            return ka.withUTF8 { x in kb.withUTF8 { y in x.lexicographicallyPrecedes(y) } }
        }
    }

    static func newline(_ out: inout [UInt8], pretty: Bool, level: Int) {
        guard pretty else { return }
        out.append(0x0A)
        out.append(contentsOf: repeatElement(UInt8(ascii: " "), count: 2 * level))
    }

    /// Integers print without a fraction; other numbers use Swift's shortest round-trip form.
    public static func formatNumber(_ n: Double) -> String {
        var out: [UInt8] = []
        writeNumber(n, into: &out)
        return String(decoding: out, as: UTF8.self)
    }

    package static func writeNumber(_ n: Double, into out: inout [UInt8]) {
        guard n.isFinite else { out.append(literal: "null"); return }
        guard n == n.rounded(), abs(n) < 1e15 else { out.append(contentsOf: "\(n)".utf8); return }
        var whole = Int64(n)
        if whole == 0 { out.append(UInt8(ascii: "0")); return }
        if whole < 0 {
            out.append(UInt8(ascii: "-"))
            whole = -whole
        }
        let start = out.count
        while whole > 0 {
            out.append(UInt8(ascii: "0") + UInt8(whole % 10))
            whole /= 10
        }
        out[start...].reverse()
    }

    /// Appends `s` as a JSON string literal.
    package static func writeString(_ s: String, into out: inout [UInt8]) {
        var s = s
        s.withUTF8 { writeString(utf8: UnsafeRawBufferPointer($0), into: &out) }
    }

    /// Appends UTF-8 text (assumed well-formed) as a JSON string literal.
    package static func writeString(utf8 bytes: UnsafeRawBufferPointer, into out: inout [UInt8]) {
        out.append(UInt8(ascii: "\""))
        var copied = 0
        for (i, byte) in bytes.enumerated() where byte < 0x20 || byte == 0x22 || byte == 0x5C {
            out.append(raw: bytes, copied..<i)
            copied = i + 1
            out.append(UInt8(ascii: "\\"))
            switch byte {
            case 0x22, 0x5C: out.append(byte)
            case 0x0A: out.append(UInt8(ascii: "n"))
            case 0x0D: out.append(UInt8(ascii: "r"))
            case 0x09: out.append(UInt8(ascii: "t"))
            case 0x08: out.append(UInt8(ascii: "b"))
            case 0x0C: out.append(UInt8(ascii: "f"))
            default:
                let hex = Array("0123456789abcdef".utf8)
                out.append(contentsOf: [UInt8(ascii: "u"), UInt8(ascii: "0"), UInt8(ascii: "0"), hex[Int(byte >> 4)], hex[Int(byte & 0xF)]])
            }
        }
        out.append(raw: bytes, copied..<bytes.count)
        out.append(UInt8(ascii: "\""))
    }
}
