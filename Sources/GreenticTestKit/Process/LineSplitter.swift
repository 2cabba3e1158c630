import CProcessSpawn
import Foundation
import Synchronization

/// Splits a byte stream into lines (`\n`, a trailing `\r` dropped), handing each to a handler.
struct LineSplitter {
    let onLine: (@Sendable (String) -> Void)?
    private var partial: [UInt8] = []

    init(onLine: (@Sendable (String) -> Void)?) {
        self.onLine = onLine
    }

    mutating func consume(_ bytes: UnsafeRawBufferPointer) {
        guard let onLine else { return }
        var start = 0
        for (i, byte) in bytes.enumerated() where byte == 0x0A {
            partial.append(contentsOf: bytes[start..<i])
            emit(onLine)
            start = i + 1
        }
        partial.append(contentsOf: bytes[start...])
        while partial.count > ServiceOutput.maximumLine {
            let piece = Array(partial.prefix(ServiceOutput.maximumLine))
            partial.removeFirst(ServiceOutput.maximumLine)
            onLine(String(decoding: piece, as: UTF8.self))
        }
    }

    /// Hands over a last line that had no newline.
    mutating func flush() {
        guard let onLine, !partial.isEmpty else { return }
        emit(onLine)
    }

    private mutating func emit(_ onLine: @Sendable (String) -> Void) {
        if partial.last == 0x0D { partial.removeLast() }
        onLine(String(decoding: partial, as: UTF8.self))
        partial.removeAll(keepingCapacity: true)
    }
}
