import Foundation
import GreenticTestKit
import GreenticTestKitTesting
import ScenarioDSL
import TestSupport
import Testing

/// The client against native nats-server configured for each authentication method and TLS,
/// as a team's shared cluster is: the right credential connects and carries traffic, a wrong
/// one is a prompt error naming the method, and no secret reaches the test's artifacts.
@Suite("NATS client against secured servers", .tags(.nats))
struct SecuredNATSTests {
    /// Starts nats-server with `config` (a file in the test folder) on an ephemeral port.
    /// (A TLS server cannot take the plain-text readiness probe: its own "ready" line is waited for instead.)
    func startServer(_ env: TestEnv, config: String, tls: Bool = false) async throws -> Int {
        let file = env.directory.root.appendingPathComponent("nats-secured.conf")
        try config.write(to: file, atomically: true, encoding: .utf8)
        let process = try await env.start(ServiceSpec(
            name: "nats-secured", executable: "nats-server",
            arguments: ["-c", file.path, "-a", "127.0.0.1", "-p", "-1"],
            readiness: tls ? .all([.logLine(#"Listening for client connections on [^\s]+:(?<port>\d+)"#), .logLine("Server is ready")]) : .natsServer,
            readinessTimeout: .seconds(20)))
        return Int(try #require(process.capture("port")))!
    }

    /// Connects, proves traffic flows with a request/reply round trip, closes.
    func roundTrip(_ url: String, _ options: NATSClient.Options) async throws {
        let client = try await NATSClient.connect(url: url, options: options)
        let sub = try await client.subscribe("secured.echo")
        let echo = Task { for await m in sub { try? client.publish(m.replyTo!, payload: m.payload) } }
        let reply = try await client.request("secured.echo", payload: Data("hi".utf8), timeout: .seconds(5))
        #expect(reply.text == "hi")
        echo.cancel()
        await client.close()
    }

    /// Expects connecting to fail with an authentication error naming `method`, caused by the
    /// server's own refusal (its `-ERR` quoted), not by a timeout or a dropped connection.
    func expectRefused(_ url: String, _ options: NATSClient.Options, method: String) async throws {
        do {
            let client = try await NATSClient.connect(url: url, options: options)
            await client.close()
            Issue.record("a wrong \(method) credential connected")
        } catch let error as NATSError {
            guard case .authenticationFailed(let named, let reason) = error else { Issue.record("expected authenticationFailed, got \(error)"); return }
            #expect(named == method)
            let quoted = reason.lowercased()
            #expect(quoted.contains("('") && (quoted.contains("authorization") || quoted.contains("authentication")),
                    "the server's refusal is the cause: \(reason)")
        }
    }

    /// No file the test wrote holds `secret`.
    func expectNotInArtifacts(_ env: TestEnv, _ secrets: [String]) throws {
        let files = FileManager.default.enumerator(at: env.directory.root, includingPropertiesForKeys: nil)?.compactMap { $0 as? URL } ?? []
        let fixtures: Set<String> = ["conf", "creds", "jwt", "pem"]
        for file in files where !fixtures.contains(file.pathExtension) {
            guard let text = try? String(contentsOf: file, encoding: .utf8) else { continue }
            for secret in secrets { #expect(!text.contains(secret), "\(file.lastPathComponent) holds a secret") }
        }
    }

    @Test(.requires(infra: [.nats]), .testEnv())
    func tokenFromOptionsAndURL() async throws {
        let env = try TestEnv.required()
        let port = try await startServer(env, config: #"authorization { token: "t0ken-s3cret" }"#)
        var options = NATSClient.Options()
        options.auth = .token("t0ken-s3cret")
        try await roundTrip("nats://127.0.0.1:\(port)", options)
        try await roundTrip("nats://t0ken-s3cret@127.0.0.1:\(port)", NATSClient.Options())
        options.auth = .token("wrong")
        try await expectRefused("nats://127.0.0.1:\(port)", options, method: "token")
        try await expectRefused("nats://127.0.0.1:\(port)", NATSClient.Options(), method: "none")
        try expectNotInArtifacts(env, ["t0ken-s3cret"])
    }

    @Test(.requires(infra: [.nats]), .testEnv())
    func userAndPasswordFromOptionsAndURL() async throws {
        let env = try TestEnv.required()
        let port = try await startServer(env, config: #"authorization { users: [ { user: "svc", password: "pa55-w0rd" } ] }"#)
        var options = NATSClient.Options()
        options.auth = .userPassword(user: "svc", password: "pa55-w0rd")
        try await roundTrip("nats://127.0.0.1:\(port)", options)
        try await roundTrip("nats://svc:pa55-w0rd@127.0.0.1:\(port)", NATSClient.Options())
        do {
            _ = try await NATSClient.connect(url: "nats://svc:wrong-pass@127.0.0.1:\(port)", options: NATSClient.Options())
            Issue.record("a wrong password connected")
        } catch let error as NATSError {
            #expect("\(error)".contains("user/password") && !"\(error)".contains("wrong-pass"), "\(error)")
        }
        try expectNotInArtifacts(env, ["pa55-w0rd"])
    }

    @Test(.requires(infra: [.nats]), .testEnv())
    func nkeySeedSignsTheServersNonce() async throws {
        let env = try TestEnv.required()
        let user = NKey(random: .user)
        let port = try await startServer(env, config: "authorization { users: [ { nkey: \(user.publicKey) } ] }")
        var options = NATSClient.Options()
        options.auth = .nkey(seed: user.seed)
        try await roundTrip("nats://127.0.0.1:\(port)", options)
        options.auth = .nkey(seed: NKey(random: .user).seed)
        try await expectRefused("nats://127.0.0.1:\(port)", options, method: "NKey")
        // A character in the middle changed: the checksum no longer matches.
        var tampered = Array(user.seed)
        tampered[30] = tampered[30] == "A" ? "B" : "A"
        options.auth = .nkey(seed: String(tampered))
        await #expect(throws: NATSError.self) { try await NATSClient.connect(url: "nats://127.0.0.1:\(port)", options: options) }
        try expectNotInArtifacts(env, [user.seed])
    }

    @Test(.requires(infra: [.nats]), .testEnv())
    func credsFileWithAUserJWTIssuedByAnAccount() async throws {
        let env = try TestEnv.required()
        let issuer = TestOperator()
        let dir = env.directory.root
        let operatorJWT = dir.appendingPathComponent("operator.jwt")
        try issuer.operatorJWT.write(to: operatorJWT, atomically: true, encoding: .utf8)
        let port = try await startServer(env, config: """
            operator: \(operatorJWT.path)
            resolver: MEMORY
            resolver_preload: { \(issuer.account.publicKey): "\(issuer.accountJWT)" }
            """)
        let creds = dir.appendingPathComponent("user.creds")
        try issuer.creds(for: NKey(random: .user)).write(to: creds, atomically: true, encoding: .utf8)
        var options = NATSClient.Options()
        options.auth = .credsFile(path: creds.path)
        try await roundTrip("nats://127.0.0.1:\(port)", options)

        // The shared server's credential from the environment, as E2E_NATS_URL users set it.
        let client = try await NATSClient.connect(
            url: "nats://127.0.0.1:\(port)", options: NATSClient.Options(), connector: NATSTCPConnector(),
            environment: ["E2E_NATS_URL": "nats://127.0.0.1:\(port)", "E2E_NATS_CREDS": creds.path])
        #expect(client.isConnected)
        await client.close()

        // A user signed by an account the operator does not know is refused.
        let stranger = TestOperator()
        let strangerCreds = dir.appendingPathComponent("stranger.creds")
        try stranger.creds(for: NKey(random: .user)).write(to: strangerCreds, atomically: true, encoding: .utf8)
        options.auth = .credsFile(path: strangerCreds.path)
        try await expectRefused("nats://127.0.0.1:\(port)", options, method: "credentials file \(strangerCreds.path)")
        options.auth = .credsFile(path: dir.appendingPathComponent("missing.creds").path)
        await #expect(throws: NATSError.invalidCredentials("cannot read the credentials file \(dir.appendingPathComponent("missing.creds").path)")) {
            try await NATSClient.connect(url: "nats://127.0.0.1:\(port)", options: options)
        }
    }

    @Test(.requires(infra: [.nats]), .testEnv(infra: [.nats]))
    func tlsWithACAAndAClientCertificate() async throws {
        let env = try TestEnv.required()
        let pki = try await TestPKI.make(in: env.directory.root.appendingPathComponent("pki"))
        let port = try await startServer(env, config: """
            tls { cert_file: "\(pki.serverCert)", key_file: "\(pki.serverKey)", ca_file: "\(pki.ca)", verify: true }
            """, tls: true)
        var options = NATSClient.Options()
        options.tls = NATSTLS(caFile: pki.ca, certificateFile: pki.clientCert, keyFile: pki.clientKey)
        try await roundTrip("tls://127.0.0.1:\(port)", options)
        try await roundTrip("nats://127.0.0.1:\(port)", options)

        // No client certificate: the server that verifies clients refuses the TLS handshake.
        options.tls = NATSTLS(caFile: pki.ca)
        await #expect(throws: NATSError.self) { try await NATSClient.connect(url: "tls://127.0.0.1:\(port)", options: options) }
        // An unknown CA: the client refuses the server's certificate, as a TLS error.
        do {
            _ = try await NATSClient.connect(url: "tls://127.0.0.1:\(port)", options: NATSClient.Options())
            Issue.record("a server certificate from an unknown CA was accepted")
        } catch let error as NATSError {
            guard case .tlsFailed = error else { Issue.record("expected tlsFailed, got \(error)"); return }
        }
        // A tls:// URL against a server without TLS.
        let plain = try env.natsURL().replacingOccurrences(of: "nats://", with: "tls://")
        await #expect(throws: NATSError.self) { try await NATSClient.connect(url: plain, options: NATSClient.Options()) }
    }
}
