import Foundation
import GreenticTestKit

/// A literal `IP:port` listen address (`127.0.0.1:8080`, `[::1]:0`). Host names are refused.
public struct ListenAddress: Sendable, Equatable {
    public var host: String
    public var port: Int

    public init(parsing text: String) throws {
        var host: Substring
        var portText: Substring
        if text.hasPrefix("["), let close = text.firstIndex(of: "]") {
            host = text[text.index(after: text.startIndex)..<close]
            let rest = text[text.index(after: close)...]
            guard rest.hasPrefix(":") else { throw ConfigError.invalidValue(key: "server.listen_addr", reason: "invalid listen address \(text)") }
            portText = rest.dropFirst()
        } else {
            guard let colon = text.lastIndex(of: ":") else {
                throw ConfigError.invalidValue(key: "server.listen_addr", reason: "invalid listen address \(text) (expected IP:port)")
            }
            host = text[..<colon]
            portText = text[text.index(after: colon)...]
        }
        guard let port = Int(portText), (0...65535).contains(port), Self.isIPLiteral(String(host)) else {
            throw ConfigError.invalidValue(key: "server.listen_addr", reason: "invalid listen address \(text) (expected IP:port, such as 127.0.0.1:8080)")
        }
        self.host = String(host)
        self.port = port
    }

    static func isIPLiteral(_ host: String) -> Bool {
        var v4 = in_addr()
        var v6 = in6_addr()
        return inet_pton(AF_INET, host, &v4) == 1 || inet_pton(AF_INET6, host, &v6) == 1
    }
}
