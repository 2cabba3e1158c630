/// Why the NATS fault proxy closed a connection: the bytes were not the NATS protocol it can
/// frame, or a frame was larger than it holds.
enum NATSWireError: Error, CustomStringConvertible {
    case lineTooLong(Int)
    case badMessageLine(String)
    case payloadTooLarge(Int)

    var description: String {
        switch self {
        case .lineTooLong(let n): "a NATS control line of \(n) bytes has no line feed within 1 MiB"
        case .badMessageLine(let line): "not a NATS message line: '\(line)'"
        case .payloadTooLarge(let n): "a NATS payload of \(n) bytes is over the proxy's 64 MiB bound"
        }
    }
}
