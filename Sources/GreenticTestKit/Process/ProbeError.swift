import NIOCore
import NIOPosix

/// Why a probe conversation failed.
package enum ProbeError: Error, CustomStringConvertible {
    case unexpectedReply(expected: String, received: String)
    case closed(expected: String, received: String)
    case timedOut(what: String, after: Duration)

    public var description: String {
        switch self {
        case .unexpectedReply(let expected, let received):
            "expected \(expected.debugDescription), got \(String(received.prefix(200)).debugDescription)"
        case .closed(let expected, let received):
            "connection closed while waiting for \(expected.debugDescription) (got \(String(received.prefix(200)).debugDescription))"
        case .timedOut(let what, let after):
            "\(what) did not answer within \(after)"
        }
    }
}
