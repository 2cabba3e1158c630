import Crypto
import Foundation

/// An NKey: an Ed25519 key pair written the NATS way (a type prefix byte, the key, a CRC-16,
/// base32 without padding). A seed (`S…`) holds the private key; the public key (`U…` for a user,
/// `A…` an account, `O…` an operator) is what servers and JWTs name. Signs the server's nonce
/// for NKey and `.creds` authentication.
package struct NKey: Sendable {
    /// The role a key plays, as its first letter shows.
    package enum Role: UInt8, Sendable, CaseIterable {
        case operator_ = 112  // 'O'
        case account = 0  // 'A'
        case user = 160  // 'U'
        case server = 104  // 'N'
        case cluster = 16  // 'C'
    }

    private static let seedPrefix: UInt8 = 18 << 3  // 'S'
    package let role: Role
    /// The Ed25519 private key's 32 raw bytes (kept as bytes: CryptoKit's key type is not Sendable).
    private let raw: Data
    private var key: Curve25519.Signing.PrivateKey { try! Curve25519.Signing.PrivateKey(rawRepresentation: raw) }

    /// Decodes a seed such as `SUAM…`; a malformed one fails naming what is wrong, never echoing it.
    package init(seed: String) throws(NATSError) {
        let text = seed.trimmingCharacters(in: .whitespacesAndNewlines)
        guard let raw = NKey.base32Decode(text), raw.count == 36 else {
            throw .invalidCredentials("the NKey seed is not canonical base32 of the right length (expected 58 characters starting with S)")
        }
        guard NKey.crc16(raw.prefix(34)) == UInt16(raw[34]) | UInt16(raw[35]) << 8 else {
            throw .invalidCredentials("the NKey seed's checksum does not match (a character was changed or cut)")
        }
        guard raw[0] & 0xF8 == NKey.seedPrefix else { throw .invalidCredentials("not an NKey seed (a seed starts with S)") }
        let roleByte = (raw[0] & 0x07) << 5 | (raw[1] & 0xF8) >> 3
        guard let role = Role(rawValue: roleByte) else { throw .invalidCredentials("the NKey seed has an unknown key type") }
        do {
            self.raw = try Curve25519.Signing.PrivateKey(rawRepresentation: raw[2..<34]).rawRepresentation
        } catch {
            throw .invalidCredentials("the NKey seed does not hold an Ed25519 key")
        }
        self.role = role
    }

    /// A new random key of the given role (for tests that build their own operator, account and user).
    package init(random role: Role) {
        self.role = role
        raw = Curve25519.Signing.PrivateKey().rawRepresentation
    }

    /// The public key, e.g. `UDXU4RCSJNZOIQHZNWXHXORDPRTGNJAHAHFRGZNEEJCPQTT2M7NLCNF4`.
    package var publicKey: String {
        NKey.encode(prefix: [role.rawValue], body: Array(key.publicKey.rawRepresentation))
    }

    /// The seed, e.g. `SUAM…`.
    package var seed: String {
        let first = NKey.seedPrefix | role.rawValue >> 5
        let second = (role.rawValue & 0x1F) << 3
        return NKey.encode(prefix: [first, second], body: Array(key.rawRepresentation))
    }

    /// The Ed25519 signature of `data`.
    package func sign(_ data: some DataProtocol) -> [UInt8] {
        // Signing with a valid key does not fail; CryptoKit's signature throws only for hardware keys.
        Array((try? key.signature(for: data)) ?? Data())
    }

    /// `sign` as unpadded base64url, the form CONNECT's `sig` and JWT signatures use.
    package func signatureBase64URL(_ data: some DataProtocol) -> String {
        NKey.base64URL(sign(data))
    }

    static func base64URL(_ bytes: some Sequence<UInt8>) -> String {
        Data(bytes).base64EncodedString()
            .replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }

    private static func encode(prefix: [UInt8], body: [UInt8]) -> String {
        let raw = prefix + body
        let crc = crc16(raw)
        return base32Encode(raw + [UInt8(crc & 0xFF), UInt8(crc >> 8)])
    }

    private static let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567".utf8)

    static func base32Encode(_ bytes: [UInt8]) -> String {
        var out: [UInt8] = []
        var buffer = 0, bits = 0
        for byte in bytes {
            buffer = buffer << 8 | Int(byte)
            bits += 8
            while bits >= 5 {
                out.append(alphabet[(buffer >> (bits - 5)) & 31])
                bits -= 5
            }
        }
        if bits > 0 { out.append(alphabet[(buffer << (5 - bits)) & 31]) }
        return String(decoding: out, as: UTF8.self)
    }

    static func base32Decode(_ text: String) -> [UInt8]? {
        var out: [UInt8] = []
        var buffer = 0, bits = 0
        for c in text.utf8 {
            guard let value = alphabet.firstIndex(of: c) else { return nil }
            buffer = (buffer << 5 | value) & 0xFFFF
            bits += 5
            if bits >= 8 {
                out.append(UInt8((buffer >> (bits - 8)) & 0xFF))
                bits -= 8
            }
        }
        // Only the canonical spelling decodes: the bits left over past the last whole byte are
        // zero. Otherwise two texts would be one key, and a changed last character (which holds
        // only those bits and a few of the checksum's) could slip past the checksum.
        guard buffer & ((1 << bits) - 1) == 0 else { return nil }
        return out
    }

    /// CRC-16/XMODEM, as NATS appends it to every key.
    static func crc16(_ bytes: some Sequence<UInt8>) -> UInt16 {
        var crc: UInt16 = 0
        for byte in bytes {
            crc ^= UInt16(byte) << 8
            for _ in 0..<8 { crc = crc & 0x8000 != 0 ? (crc << 1) ^ 0x1021 : crc << 1 }
        }
        return crc
    }
}
