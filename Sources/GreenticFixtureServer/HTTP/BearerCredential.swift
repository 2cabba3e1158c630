import Foundation
import Hummingbird

/// The credential of an `Authorization: Bearer <token>` header. The scheme is matched without
/// regard to case (RFC 9110 §11.1); the token is what follows the spaces after it.
enum BearerCredential {
    /// The token, nil when the header is absent; `.failure` names what is wrong with a present one.
    static func token(in headers: HTTPFields) -> Result<String, Malformed>? {
        guard let header = headers[.authorization] else { return nil }
        let parts = header.split(separator: " ", maxSplits: 1, omittingEmptySubsequences: true)
        guard parts.count == 2, parts[0].lowercased() == "bearer" else { return .failure(Malformed()) }
        let token = parts[1].trimmingCharacters(in: .whitespaces)
        return token.isEmpty ? .failure(Malformed()) : .success(token)
    }

    /// A present Authorization header that is not `Bearer <token>`.
    struct Malformed: Error, CustomStringConvertible {
        var description: String { "the Authorization header must be 'Bearer <token>'" }
    }
}
