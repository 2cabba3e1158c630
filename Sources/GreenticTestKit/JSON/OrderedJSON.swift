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
        var out: [UInt8] = []
        write(value, into: &out, pretty: false, level: 0)
        return String(decoding: out, as: UTF8.self)
    }

    public static func pretty(_ value: OrderedJSON) -> String {
        var out: [UInt8] = []
        write(value, into: &out, pretty: true, level: 0)
        return String(decoding: out, as: UTF8.self)
    }

    static func write(_ value: OrderedJSON, into out: inout [UInt8], pretty: Bool, level: Int) {
        switch value {
        case .value(let v):
            write(v, into: &out, pretty: pretty, level: level)
        case .array(let items):
            if items.isEmpty { out.append(contentsOf: "[]".utf8); return }
            out.append(UInt8(ascii: "["))
            for (i, item) in items.enumerated() {
                if i > 0 { out.append(UInt8(ascii: ",")) }
                newline(&out, pretty: pretty, level: level + 1)
                write(item, into: &out, pretty: pretty, level: level + 1)
            }
            newline(&out, pretty: pretty, level: level)
            out.append(UInt8(ascii: "]"))
        case .object(let members):
            if members.isEmpty { out.append(contentsOf: "{}".utf8); return }
            out.append(UInt8(ascii: "{"))
            for (i, (key, member)) in members.enumerated() {
                if i > 0 { out.append(UInt8(ascii: ",")) }
                newline(&out, pretty: pretty, level: level + 1)
                writeString(key, into: &out)
                out.append(UInt8(ascii: ":"))
                if pretty { out.append(UInt8(ascii: " ")) }
                write(member, into: &out, pretty: pretty, level: level + 1)
            }
            newline(&out, pretty: pretty, level: level)
            out.append(UInt8(ascii: "}"))
        }
    }
}
