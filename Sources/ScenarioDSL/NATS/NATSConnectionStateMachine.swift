/// One connection's protocol phase, as NIO handlers keep theirs: the server speaks first
/// (`INFO`), the client answers `CONNECT` + `PING`, the server's `PONG` completes the handshake,
/// then everything is traffic until the connection closes. Each input returns what the handler
/// must do; an input that is wrong for the phase is an error, and nothing follows `closed`.
struct NATSConnectionStateMachine: Sendable {
    enum State: Sendable, Equatable {
        case awaitingInfo
        case awaitingPong
        case running
        case closed
    }

    /// What the handler does with an operation the server sent.
    enum Action: Sendable, Equatable {
        /// Take the server's INFO, then send CONNECT + PING (upgrading to TLS first if asked).
        case sendConnect(info: String)
        /// The handshake completed.
        case completeHandshake
        /// Answer a server PING.
        case sendPong
        /// Hand the operation to the client.
        case forward
        /// The handshake failed: report it, then close.
        case failHandshake(NATSError)
        /// Drop it: the connection is closed.
        case ignore
    }

    /// What happens when the connection closes.
    enum CloseAction: Sendable, Equatable {
        case failHandshake(NATSError)
        case connectionLost
        case none
    }

    private(set) var state = State.awaitingInfo

    mutating func received(_ op: NATSServerOp) -> Action {
        switch (state, op) {
        case (.closed, _):
            return .ignore
        case (_, .ping):
            return .sendPong
        case (.awaitingInfo, .info(let info)):
            state = .awaitingPong
            return .sendConnect(info: info)
        case (.awaitingInfo, .err(let message)):
            state = .closed
            return .failHandshake(.serverError(message))
        case (.awaitingInfo, let other):
            state = .closed
            return .failHandshake(.protocolViolation("expected INFO first, got \(other.name)"))
        case (.awaitingPong, .pong):
            state = .running
            return .completeHandshake
        case (.awaitingPong, .err(let message)):
            state = .closed
            return .failHandshake(.serverError(message))
        case (.awaitingPong, .msg):
            state = .closed
            return .failHandshake(.protocolViolation("a message arrived before the handshake completed"))
        case (.awaitingPong, .info), (.awaitingPong, .ok), (.running, _):
            return .forward
        }
    }

    /// The handshake failed outside the protocol (a TLS error, a credential that cannot be signed).
    mutating func failed(_ error: NATSError) -> Action {
        switch state {
        case .awaitingInfo, .awaitingPong:
            state = .closed
            return .failHandshake(error)
        case .running, .closed:
            return .ignore
        }
    }

    mutating func closed() -> CloseAction {
        defer { state = .closed }
        switch state {
        case .awaitingInfo, .awaitingPong: return .failHandshake(.connectionFailed("the server closed the connection during the handshake"))
        case .running: return .connectionLost
        case .closed: return .none
        }
    }
}

extension NATSServerOp {
    /// The operation's protocol name, for error messages.
    var name: String {
        switch self {
        case .info: "INFO"
        case .msg: "MSG"
        case .ping: "PING"
        case .pong: "PONG"
        case .ok: "+OK"
        case .err(let message): "-ERR '\(message)'"
        }
    }
}
