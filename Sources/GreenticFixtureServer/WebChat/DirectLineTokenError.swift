import Crypto
import Foundation
import GreenticTestKit

/// Why a token was refused; each maps to 401 (`missing`, `invalid`, `expired`, `lifetimeExceeded`) or 403
/// (`wrongConversation`, `conversationBound`).
package enum DirectLineTokenError: Error, Equatable, CustomStringConvertible {
    case missing
    case invalid(String)
    case expired
    case wrongConversation(expected: String, bound: String?)
    case conversationBound(String)
    case lifetimeExceeded(Int)

    public var code: String {
        switch self {
        case .missing: "missing_token"
        case .invalid: "invalid_token"
        case .expired: "token_expired"
        case .wrongConversation: "wrong_conversation"
        case .conversationBound: "token_bound_to_conversation"
        case .lifetimeExceeded: "token_lifetime_exceeded"
        }
    }

    public var description: String {
        switch self {
        case .missing: "an Authorization: Bearer <token> header is required"
        case .invalid(let reason): "the token is not valid: \(reason)"
        case .expired: "the token has expired; get a new one from tokens/refresh or tokens/generate"
        case .wrongConversation(let expected, let bound):
            bound.map { "the token is bound to conversation \($0), not \(expected)" } ?? "the token is not bound to conversation \(expected); start it with POST conversations"
        case .conversationBound(let id): "the token is already bound to conversation \(id); starting a conversation needs a token from tokens/generate"
        case .lifetimeExceeded(let seconds):
            "the token was first issued more than \(seconds) s ago (webchat.max_token_lifetime_secs); get a new one from tokens/generate"
        }
    }
}
