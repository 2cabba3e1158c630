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
        string { write(value, into: &$0, pretty: false, level: 0) }
    }

    public static func pretty(_ value: OrderedJSON) -> String {
        string { write(value, into: &$0, pretty: true, level: 0) }
    }

    static func write(_ value: OrderedJSON, into out: inout [UInt8], pretty: Bool, level: Int) {
        switch value {
        case .value(let v):
            write(v, into: &out, pretty: pretty, level: level)
        case .array(let items):
            writeArray(items, into: &out, pretty: pretty, level: level) { write($0, into: &$1, pretty: pretty, level: level + 1) }
        case .object(let members):
            writeObject(members.map { (key: $0.0, value: $0.1) }, into: &out, pretty: pretty, level: level) {
                write($0, into: &$1, pretty: pretty, level: level + 1)
            }
        }
    }
}
