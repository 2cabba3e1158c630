import Foundation
import GreenticTestKit

/// The runner answered with an error or not at all.
package enum RunnerBridgeError: Error, CustomStringConvertible, Equatable {
    case unreachable(url: String, reason: String)
    case failed(url: String, status: Int, body: String)
    case invalidAnswer(String)
    case timedOut(url: String, after: Duration)

    public var description: String {
        switch self {
        case .unreachable(let url, let reason): "runner at \(url) is unreachable: \(reason)"
        case .failed(let url, let status, let body): "runner at \(url) answered \(status): \(body.prefix(500))"
        case .invalidAnswer(let reason): "runner answer is not usable: \(reason)"
        case .timedOut(let url, let after): "runner at \(url) did not answer within \(after)"
        }
    }
}
