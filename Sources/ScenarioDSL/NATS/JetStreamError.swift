import Foundation
import GreenticTestKit

/// JetStream failures.
public enum JetStreamError: Error, CustomStringConvertible, Equatable {
    case api(code: Int, description: String)
    case unexpected(String)

    public var description: String {
        switch self {
        case .api(let code, let description): "JetStream error \(code): \(description)"
        case .unexpected(let message): "JetStream: \(message)"
        }
    }
}
