import Foundation
import GreenticHTTP
import GreenticTestKit
import Hummingbird
import HummingbirdWebSocket
import Logging
import NIOCore
import ServiceLifecycle
import Synchronization

/// The server could not start.
public enum FixtureServerError: Error, CustomStringConvertible {
    case exitedBeforeListening

    public var description: String { "the server stopped before it started listening (is the address in use?)" }
}
