import Foundation

extension NATSClient {
    /// Connection settings.
    public struct Options: Sendable {
        public var name = "greentic-testkit"
        public var connectTimeout: Duration = .seconds(5)
        /// Reconnect attempts after a lost connection before giving up (then the client closes).
        public var maxReconnectAttempts = 120
        public var reconnectWaitMin: Duration = .milliseconds(10)
        public var reconnectWaitMax: Duration = .seconds(1)
        /// Bytes of publishes kept while disconnected; beyond that a publish fails with `.notConnected`.
        public var reconnectBufferBytes = 8 * 1024 * 1024
        /// The credential; when nil, the URL's, or for the `E2E_NATS_URL` server `E2E_NATS_CREDS`'s.
        public var auth: NATSAuth?
        /// TLS; required by a `tls://` URL, used when the server requires it, and for the
        /// `E2E_NATS_URL` server with `E2E_NATS_CA`'s CA.
        public var tls: NATSTLS?
        /// How much each subscription queues before it drops messages (a slow consumer).
        public var pendingLimits = PendingLimits()

        public init() {}

        /// These options with what the environment sets for the shared servers of `E2E_NATS_URL`
        /// (`E2E_NATS_CREDS`: a `.creds` file, `E2E_NATS_CA`: a CA file), where the options leave
        /// them unset and one of `servers` is one of those.
        func resolved(for servers: [NATSServerAddress], environment: [String: String]) -> Options {
            var options = self
            guard let shared = environment["E2E_NATS_URL"], let sharedServers = try? NATSServerAddress.list(shared),
                  servers.contains(where: { server in sharedServers.contains { $0.host == server.host && $0.port == server.port } })
            else { return options }
            if options.auth == nil, servers.allSatisfy({ $0.auth == nil }), let creds = environment["E2E_NATS_CREDS"], !creds.isEmpty {
                options.auth = .credsFile(path: creds)
            }
            if options.tls == nil, let ca = environment["E2E_NATS_CA"], !ca.isEmpty {
                options.tls = NATSTLS(caFile: ca)
            }
            return options
        }
    }

    /// A subscription's bound: beyond `messages` queued messages or `bytes` queued payload bytes,
    /// new messages are dropped and counted (`NATSSubscription.droppedCount`). The defaults are
    /// nats.go's.
    public struct PendingLimits: Sendable, Equatable {
        public var messages: Int
        public var bytes: Int

        public init(messages: Int = 524_288, bytes: Int = 64 * 1024 * 1024) {
            self.messages = messages
            self.bytes = bytes
        }
    }
}
