import Foundation

/// A NATS server URL taken apart: `nats://[user[:password]@]host[:port]`, `tls://…` (TLS
/// required), or a token as the user part alone (`nats://TOKEN@host`). The port defaults to 4222.
struct NATSServerAddress: Sendable, Equatable {
    var host: String
    var port: Int
    var tlsRequired: Bool
    /// The credential written in the URL, if any.
    var auth: NATSAuth?
    /// The URL with any credential replaced by `***`, for errors, logs and artifacts.
    var redacted: String

    init(_ url: String) throws(NATSError) {
        guard let components = URLComponents(string: url), let scheme = components.scheme?.lowercased(),
              scheme == "nats" || scheme == "tls", let host = components.host, !host.isEmpty else {
            throw .invalidURL(NATSServerAddress.redact(url))
        }
        self.host = host
        port = components.port ?? 4222
        tlsRequired = scheme == "tls"
        let user = components.user.map { $0.removingPercentEncoding ?? $0 }
        let password = components.password.map { $0.removingPercentEncoding ?? $0 }
        switch (user, password) {
        case (let user?, let password?): auth = .userPassword(user: user, password: password)
        case (let token?, nil): auth = .token(token)
        default: auth = nil
        }
        redacted = "\(scheme)://\(auth == nil ? "" : "***@")\(host):\(port)"
    }

    /// The servers of a comma-separated URL list (one URL is a list of one).
    static func list(_ urls: String) throws(NATSError) -> [NATSServerAddress] {
        let parts = urls.split(separator: ",", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }
        guard !parts.isEmpty, !parts.contains(where: \.isEmpty) else { throw .invalidURL(redact(urls)) }
        var servers: [NATSServerAddress] = []
        for part in parts { servers.append(try NATSServerAddress(part)) }
        return servers
    }

    /// `url` with the part before `@` replaced, for input that does not parse.
    static func redact(_ url: String) -> String {
        guard let at = url.firstIndex(of: "@"), let scheme = url.range(of: "://") else { return url }
        return String(url[..<scheme.upperBound]) + "***" + String(url[at...])
    }
}
