/// Appending to a byte buffer in one copy. `append(contentsOf:)` with a slice of raw bytes or a
/// string's UTF-8 view goes element by element; these take the contiguous path.
extension Array where Element == UInt8 {
    package mutating func append(raw bytes: UnsafeRawBufferPointer) {
        append(contentsOf: bytes.assumingMemoryBound(to: UInt8.self))
    }

    /// Appends `bytes[range]`.
    package mutating func append(raw bytes: UnsafeRawBufferPointer, _ range: Range<Int>) {
        append(raw: UnsafeRawBufferPointer(rebasing: bytes[range]))
    }

    /// Appends a literal's UTF-8.
    package mutating func append(literal text: StaticString) {
        append(contentsOf: UnsafeBufferPointer(start: text.utf8Start, count: text.utf8CodeUnitCount))
    }
}
