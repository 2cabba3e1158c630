import NIOCore
import NIOSSL

/// TLS settings for a `tls://` URL or a server that requires TLS: the CA that signed the
/// server's certificate (the system's roots when nil), and a client certificate and key when the
/// server verifies clients. Files are PEM. `E2E_NATS_CA` names the CA for the `E2E_NATS_URL` server.
public struct NATSTLS: Sendable, Equatable {
    public var caFile: String?
    public var certificateFile: String?
    public var keyFile: String?
    /// The name the server's certificate must carry; the URL's host when nil (an IP address is
    /// checked against the certificate's IP entries).
    public var serverName: String?

    public init(caFile: String? = nil, certificateFile: String? = nil, keyFile: String? = nil, serverName: String? = nil) {
        self.caFile = caFile
        self.certificateFile = certificateFile
        self.keyFile = keyFile
        self.serverName = serverName
    }

    /// The client context; a missing or unreadable file fails here, before any connection.
    func makeContext() throws(NATSError) -> NIOSSLContext {
        var configuration = TLSConfiguration.makeClientConfiguration()
        do {
            if let caFile {
                configuration.trustRoots = .certificates(try NIOSSLCertificate.fromPEMFile(caFile))
            }
            switch (certificateFile, keyFile) {
            case (let cert?, let key?):
                configuration.certificateChain = try NIOSSLCertificate.fromPEMFile(cert).map { .certificate($0) }
                configuration.privateKey = .privateKey(try NIOSSLPrivateKey(file: key, format: .pem))
            case (nil, nil):
                break
            default:
                throw NATSError.tlsFailed("a client certificate needs both certificateFile and keyFile")
            }
            return try NIOSSLContext(configuration: configuration)
        } catch let error as NATSError {
            throw error
        } catch {
            throw .tlsFailed("cannot load the TLS files (CA \(caFile ?? "system roots"), certificate \(certificateFile ?? "none")): \(error)")
        }
    }

    /// The handler that upgrades a connection after the server's INFO.
    static func handler(context: NIOSSLContext, host: String, serverName: String?) throws(NATSError) -> NIOSSLClientHandler {
        // SNI takes a DNS name only; for an IP address NIO checks the certificate against the peer's address.
        let name = serverName ?? (host.allSatisfy { $0.isNumber || $0 == "." || $0 == ":" } ? nil : host)
        do {
            return try NIOSSLClientHandler(context: context, serverHostname: name)
        } catch {
            throw .tlsFailed("cannot start TLS with \(host): \(error)")
        }
    }
}
