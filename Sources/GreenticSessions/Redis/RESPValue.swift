/// A Redis protocol (RESP2) reply.
package indirect enum RESPValue: Sendable, Equatable {
    case simple(String)
    case error(String)
    case integer(Int)
    case bulk([UInt8]?)
    case array([RESPValue]?)

    public var string: String? {
        switch self {
        case .simple(let s): s
        case .bulk(let b?): String(decoding: b, as: UTF8.self)
        default: nil
        }
    }

    /// The elements of an array reply (none for anything else).
    public var arrayItems: [RESPValue] {
        if case .array(let items?) = self { return items }
        return []
    }

    /// Encodes a command as a RESP array of bulk strings.
    public static func command(_ args: [String]) -> [UInt8] {
        var out = Array("*\(args.count)\r\n".utf8)
        for arg in args {
            let bytes = Array(arg.utf8)
            out += Array("$\(bytes.count)\r\n".utf8) + bytes + [13, 10]
        }
        return out
    }
}
