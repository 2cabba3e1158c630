/// JSON whose object members keep a declared order, for responses whose field order is part of
/// the contract (typed records serialise in declaration order; free-form values sort keys).
public indirect enum OrderedJSON: Sendable, Equatable {
    /// A free-form value, written with sorted keys.
    case value(JSONValue)
    case object([(String, OrderedJSON)])
    case array([OrderedJSON])

    public static func == (a: OrderedJSON, b: OrderedJSON) -> Bool {
        JSONWriter.compact(a) == JSONWriter.compact(b)
    }

    public static func string(_ s: String?) -> OrderedJSON { .value(s.map { .string($0) } ?? .null) }
    public static func number(_ n: Double) -> OrderedJSON { .value(.number(n)) }
    public static func int(_ n: Int) -> OrderedJSON { .value(.number(Double(n))) }
    public static func bool(_ b: Bool) -> OrderedJSON { .value(.bool(b)) }
    public static var null: OrderedJSON { .value(.null) }

    /// The same document as an unordered value.
    public var value: JSONValue {
        switch self {
        case .value(let v): v
        case .array(let items): .array(items.map(\.value))
        case .object(let members): .object(Dictionary(members.map { ($0.0, $0.1.value) }, uniquingKeysWith: { _, b in b }))
        }
    }
}

extension JSONWriter {
    public static func compact(_ value: OrderedJSON) -> String {
        render(value, indent: nil)
    }

    public static func pretty(_ value: OrderedJSON) -> String {
        render(value, indent: "  ")
    }

    static func render(_ value: OrderedJSON, indent: String?) -> String {
        var out = ""
        write(value, into: &out, indent: indent, level: 0)
        return out
    }

    static func write(_ value: OrderedJSON, into out: inout String, indent: String?, level: Int) {
        switch value {
        case .value(let v):
            write(v, into: &out, indent: indent, level: level)
        case .array(let items):
            if items.isEmpty { out += "[]"; return }
            out += "["
            for (i, item) in items.enumerated() {
                if i > 0 { out += "," }
                if let indent { out += "\n" + String(repeating: indent, count: level + 1) }
                write(item, into: &out, indent: indent, level: level + 1)
            }
            if let indent { out += "\n" + String(repeating: indent, count: level) }
            out += "]"
        case .object(let members):
            if members.isEmpty { out += "{}"; return }
            out += "{"
            for (i, (key, member)) in members.enumerated() {
                if i > 0 { out += "," }
                if let indent { out += "\n" + String(repeating: indent, count: level + 1) }
                writeString(key, into: &out)
                out += indent == nil ? ":" : ": "
                write(member, into: &out, indent: indent, level: level + 1)
            }
            if let indent { out += "\n" + String(repeating: indent, count: level) }
            out += "}"
        }
    }
}
