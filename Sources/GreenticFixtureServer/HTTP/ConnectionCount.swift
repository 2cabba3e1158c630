import GreenticHTTP
import HummingbirdCore
import HummingbirdWebSocket
import Logging
import NIOCore
import NIOHTTP1
import Synchronization

/// Open connections, against `server.max_connections`; logs when the bound is reached and
/// when connections are accepted again.
final class ConnectionCount: Sendable {
    private let state = Mutex<(open: Int, refusing: Bool)>((0, false))

    func open(limit: Int, logger: Logger) -> Bool {
        let (accepted, startedRefusing) = state.withLock { s -> (Bool, Bool) in
            guard s.open < limit else {
                defer { s.refusing = true }
                return (false, !s.refusing)
            }
            s.open += 1
            return (true, false)
        }
        if startedRefusing {
            logger.warning("connection limit reached: \(limit) connections open (server.max_connections); new connections get 503 until some close")
        }
        return accepted
    }

    private let outcomes = Mutex<[ObjectIdentifier: GuardOutcome]>([:])

    func register(_ channel: any Channel) -> GuardOutcome {
        let outcome = GuardOutcome()
        outcomes.withLock { $0[ObjectIdentifier(channel)] = outcome }
        return outcome
    }

    func outcome(of channel: any Channel) -> GuardOutcome? {
        outcomes.withLock { $0[ObjectIdentifier(channel)] }
    }

    func closed(_ channel: any Channel, counted: Bool) {
        outcomes.withLock { $0[ObjectIdentifier(channel)] = nil }
        guard counted else { return }
        state.withLock { s in
            s.open -= 1
            s.refusing = false
        }
    }

    var open: Int { state.withLock { $0.open } }
}
