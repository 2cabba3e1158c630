import Foundation

/// Why a text is not JSON, and where: the byte offset and the line and column it falls on.
public struct JSONParseError: Error, Sendable, Equatable, CustomStringConvertible {
    /// Zero-based byte offset of the offending byte (the end of the input when it ran out).
    public var offset: Int
    /// One-based line and column (in bytes) of `offset`.
    public var line: Int
    public var column: Int
    public var reason: String

    public var description: String { "invalid JSON at line \(line), column \(column): \(reason)" }
}

extension JSONParseError {
    init(at offset: Int, in bytes: UnsafeRawBufferPointer, reason: String) {
        var line = 1
        var lineStart = 0
        for position in 0..<min(offset, bytes.count) where bytes[position] == 0x0A {
            line += 1
            lineStart = position + 1
        }
        self.init(offset: offset, line: line, column: offset - lineStart + 1, reason: reason)
    }
}
