import Foundation
import NIOCore
import NIOPosix
import Synchronization

/// Hands the proxy to the child-channel initializer.
final class ProxyBox: Sendable {
    let proxy = Mutex<FaultProxy?>(nil)
}
