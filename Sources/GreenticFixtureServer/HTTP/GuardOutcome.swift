import GreenticHTTP
import HummingbirdCore
import HummingbirdWebSocket
import Logging
import NIOCore
import NIOHTTP1
import Synchronization

/// Whether the guard refused a connection (set on its event loop, read from the handler task),
/// and why a WebSocket upgrade was refused (set by the upgrade check, read by
/// `RequestPhaseHandler` when Hummingbird answers the refused upgrade).
final class GuardOutcome: Sendable {
    private let flag = Atomic<Bool>(false)
    private let upgradeRefusal = Mutex<APIError?>(nil)
    var refused: Bool { flag.load(ordering: .acquiring) }
    func markRefused() { flag.store(true, ordering: .releasing) }
    func refuseUpgrade(_ error: APIError) { upgradeRefusal.withLock { $0 = error } }
    func takeUpgradeRefusal() -> APIError? { upgradeRefusal.withLock { r in defer { r = nil }; return r } }
}
