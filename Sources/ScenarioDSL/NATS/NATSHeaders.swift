import Foundation

/// NATS message headers (`NATS/1.0` block): ordered, case-preserving, multi-valued.
public struct NATSHeaders: Sendable, Equatable, ExpressibleByDictionaryLiteral {
    public var entries: [(name: String, value: String)]
    /// Inline status of a status message (`NATS/1.0 503 No Responders`).
    public var status: Int?
    public var statusDescription: String?

    public init(_ entries: [(String, String)] = []) {
        self.entries = entries.map { (name: $0.0, value: $0.1) }
    }

    public init(dictionaryLiteral elements: (String, String)...) {
        self.init(elements)
    }

    /// The first value of a header (case-insensitive name).
    public subscript(name: String) -> String? {
        entries.first { $0.name.lowercased() == name.lowercased() }?.value
    }

    public func values(_ name: String) -> [String] {
        entries.filter { $0.name.lowercased() == name.lowercased() }.map(\.value)
    }

    public mutating func append(_ name: String, _ value: String) {
        entries.append((name: name, value: value))
    }

    public static func == (a: NATSHeaders, b: NATSHeaders) -> Bool {
        a.status == b.status && a.entries.map(\.name) == b.entries.map(\.name) && a.entries.map(\.value) == b.entries.map(\.value)
    }

    /// The wire form, `NATS/1.0\r\nName: value\r\n…\r\n\r\n`.
    public var encoded: [UInt8] {
        var text = "NATS/1.0\r\n"
        for (name, value) in entries { text += "\(name): \(value)\r\n" }
        text += "\r\n"
        return Array(text.utf8)
    }

    /// Parses a header block; throws on a malformed first line.
    public static func parse(_ bytes: some Collection<UInt8>) throws -> NATSHeaders {
        let text = String(decoding: bytes, as: UTF8.self)
        var lines = text.components(separatedBy: "\r\n")
        guard let first = lines.first, first.hasPrefix("NATS/1.0") else {
            throw NATSError.protocolViolation("header block does not start with NATS/1.0")
        }
        lines.removeFirst()
        var headers = NATSHeaders()
        let statusPart = first.dropFirst("NATS/1.0".count).trimmingCharacters(in: .whitespaces)
        if !statusPart.isEmpty {
            let pieces = statusPart.split(separator: " ", maxSplits: 1)
            headers.status = Int(pieces[0])
            if pieces.count > 1 { headers.statusDescription = String(pieces[1]) }
        }
        for line in lines where !line.isEmpty {
            guard let colon = line.firstIndex(of: ":") else { continue }
            headers.append(String(line[..<colon]), line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces))
        }
        return headers
    }
}
