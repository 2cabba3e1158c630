import Foundation
import GreenticTestKit
import NIOCore
import NIOPosix
import Synchronization

/// Lets the channel handler reach its connection once it exists.
final class RedisReplySink: Sendable {
    let connection = Mutex<RedisConnection?>(nil)
}
