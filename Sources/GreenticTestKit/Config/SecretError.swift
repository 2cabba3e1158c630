import Foundation

/// A required secret is absent.
public enum SecretError: Error, CustomStringConvertible, Equatable {
    case missing([String])

    public var description: String {
        switch self {
        case .missing(let keys):
            "missing secrets: \(keys.joined(separator: ", ")). Set them via CLI, environment, config or a secrets file"
        }
    }
}
