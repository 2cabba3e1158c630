import Crypto
import Foundation
import GreenticTestKit
import ScenarioDSL

/// A throwaway NATS operator with one account, issuing user credentials the way `nsc` does
/// (JWTs signed with the issuer's NKey), so a test can run nats-server in operator mode.
struct TestOperator {
    let operatorKey = NKey(random: .operator_)
    let account = NKey(random: .account)

    var operatorJWT: String {
        Self.jwt(issuer: operatorKey, subject: operatorKey.publicKey, name: "test-operator",
                 nats: ["type": "operator", "version": 2])
    }

    var accountJWT: String {
        Self.jwt(issuer: operatorKey, subject: account.publicKey, name: "test-account", nats: [
            "type": "account", "version": 2,
            "limits": ["subs": -1, "data": -1, "payload": -1, "imports": -1, "exports": -1, "wildcards": true, "conn": -1, "leaf": -1],
        ])
    }

    /// A `.creds` file for `user`, signed by the account.
    func creds(for user: NKey) -> String {
        let jwt = Self.jwt(issuer: account, subject: user.publicKey, name: "test-user", nats: [
            "type": "user", "version": 2, "pub": [:], "sub": [:], "subs": -1, "data": -1, "payload": -1,
        ])
        return """
            -----BEGIN NATS USER JWT-----
            \(jwt)
            ------END NATS USER JWT------

            ************************* IMPORTANT *************************
            NKEY Seed printed below can be used to sign and prove identity.

            -----BEGIN USER NKEY SEED-----
            \(user.seed)
            ------END USER NKEY SEED------

            """
    }

    static func jwt(issuer: NKey, subject: String, name: String, nats: JSONValue) -> String {
        let header = base64URL(#"{"typ":"JWT","alg":"ed25519-nkey"}"#)
        var claims: [String: JSONValue] = [
            "iat": .number(Double(Int(Date().timeIntervalSince1970))), "iss": .string(issuer.publicKey),
            "name": .string(name), "sub": .string(subject), "nats": nats,
        ]
        // The JWT id is the base32 SHA-256 of the claims without it, as the jwt library makes it.
        let digest = SHA256.hash(data: Data(JSONWriter.compact(.object(claims)).utf8))
        claims["jti"] = .string(base32(Array(digest)))
        let body = base64URL(JSONWriter.compact(.object(claims)))
        return header + "." + body + "." + issuer.signatureBase64URL(Array((header + "." + body).utf8))
    }

    static func base64URL(_ text: String) -> String {
        Data(text.utf8).base64EncodedString()
            .replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_").replacingOccurrences(of: "=", with: "")
    }

    static func base32(_ bytes: [UInt8]) -> String {
        let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567")
        var out = "", buffer = 0, bits = 0
        for byte in bytes {
            buffer = buffer << 8 | Int(byte)
            bits += 8
            while bits >= 5 { out.append(alphabet[(buffer >> (bits - 5)) & 31]); bits -= 5 }
        }
        if bits > 0 { out.append(alphabet[(buffer << (5 - bits)) & 31]) }
        return out
    }
}

/// A CA, a server certificate for 127.0.0.1 and a client certificate, made with openssl.
struct TestPKI {
    let ca: String, serverCert: String, serverKey: String, clientCert: String, clientKey: String

    static func make(in dir: URL) async throws -> TestPKI {
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        func path(_ name: String) -> String { dir.appendingPathComponent(name).path }
        func openssl(_ args: [String]) async throws {
            let out = try await CommandRunner.run("openssl", args, timeout: .seconds(60))
            guard out.status == 0 else { throw NATSError.tlsFailed("openssl \(args.first ?? ""): \(out.stderr.suffix(300))") }
        }
        try await openssl(["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", "/CN=test-ca",
                           "-keyout", path("ca-key.pem"), "-out", path("ca.pem")])
        try "subjectAltName=IP:127.0.0.1,DNS:localhost\n".write(toFile: path("server.ext"), atomically: true, encoding: .utf8)
        try "extendedKeyUsage=clientAuth\n".write(toFile: path("client.ext"), atomically: true, encoding: .utf8)
        for (name, ext) in [("server", "server.ext"), ("client", "client.ext")] {
            try await openssl(["req", "-newkey", "rsa:2048", "-nodes", "-subj", "/CN=\(name)",
                               "-keyout", path("\(name)-key.pem"), "-out", path("\(name).csr")])
            try await openssl(["x509", "-req", "-in", path("\(name).csr"), "-CA", path("ca.pem"), "-CAkey", path("ca-key.pem"),
                               "-CAcreateserial", "-days", "2", "-extfile", path(ext), "-out", path("\(name)-cert.pem")])
        }
        return TestPKI(ca: path("ca.pem"), serverCert: path("server-cert.pem"), serverKey: path("server-key.pem"),
                       clientCert: path("client-cert.pem"), clientKey: path("client-key.pem"))
    }
}
