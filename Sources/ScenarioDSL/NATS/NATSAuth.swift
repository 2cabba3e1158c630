import Foundation
import GreenticTestKit

/// How the client proves who it is to a server that asks: a token, a user and password, an NKey
/// seed (the server's nonce signed with Ed25519), or a user JWT with its seed (a `.creds` file as
/// `nsc` writes it). Set it in `NATSClient.Options.auth`, or in the URL (`nats://user:pass@host`,
/// `nats://TOKEN@host`), or for the shared server of `E2E_NATS_URL` with `E2E_NATS_CREDS`.
/// No secret of it is ever printed: `description` names the method only.
public enum NATSAuth: Sendable, Equatable, CustomStringConvertible {
    case token(String)
    case userPassword(user: String, password: String)
    /// An NKey seed (`SU…`); the server must list its public key.
    case nkey(seed: String)
    /// A user JWT and the NKey seed it was issued to.
    case credentials(jwt: String, seed: String)
    /// A `.creds` file, read when each connection is made (so a rotated file is picked up).
    case credsFile(path: String)

    /// The method's name as errors show it.
    public var method: String {
        switch self {
        case .token: "token"
        case .userPassword: "user/password"
        case .nkey: "NKey"
        case .credentials: "user JWT"
        case .credsFile(let path): "credentials file \(path)"
        }
    }

    public var description: String { "NATSAuth(\(method))" }

    /// The CONNECT fields that carry this credential, signing the server's `nonce` where needed.
    func connectFields(nonce: String?) throws(NATSError) -> [String: JSONValue] {
        switch self {
        case .token(let token):
            return ["auth_token": .string(token)]
        case .userPassword(let user, let password):
            return ["user": .string(user), "pass": .string(password)]
        case .nkey(let seed):
            let key = try NKey(seed: seed)
            guard let nonce else { throw .authenticationFailed(method: method, reason: "the server sent no nonce to sign (is NKey authentication configured on it?)") }
            return ["nkey": .string(key.publicKey), "sig": .string(key.signatureBase64URL(Array(nonce.utf8)))]
        case .credentials(let jwt, let seed):
            let key = try NKey(seed: seed)
            guard let nonce else { throw .authenticationFailed(method: method, reason: "the server sent no nonce to sign (is it configured for JWT authentication?)") }
            return ["jwt": .string(jwt), "sig": .string(key.signatureBase64URL(Array(nonce.utf8)))]
        case .credsFile(let path):
            return try NATSAuth.readCredsFile(path).connectFields(nonce: nonce)
        }
    }

    /// Reads a `.creds` file: the block after `BEGIN NATS USER JWT` and the one after `BEGIN USER NKEY SEED`.
    static func readCredsFile(_ path: String) throws(NATSError) -> NATSAuth {
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
            throw .invalidCredentials("cannot read the credentials file \(path)")
        }
        func block(after marker: String) -> String? {
            let lines = text.split(whereSeparator: \.isNewline).map { $0.trimmingCharacters(in: .whitespaces) }
            guard let at = lines.firstIndex(where: { $0.hasPrefix("---") && $0.contains(marker) }) else { return nil }
            return lines[(at + 1)...].first { !$0.isEmpty && !$0.hasPrefix("---") }
        }
        guard let jwt = block(after: "BEGIN NATS USER JWT") else {
            throw .invalidCredentials("the credentials file \(path) has no '-----BEGIN NATS USER JWT-----' block")
        }
        guard let seed = block(after: "BEGIN USER NKEY SEED") else {
            throw .invalidCredentials("the credentials file \(path) has no '-----BEGIN USER NKEY SEED-----' block")
        }
        return .credentials(jwt: jwt, seed: seed)
    }
}
