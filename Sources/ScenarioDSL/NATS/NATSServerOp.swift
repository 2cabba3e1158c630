import Foundation

/// An operation sent by a NATS server.
package enum NATSServerOp: Sendable, Equatable {
    case info(String)
    case msg(NATSMessage)
    case ping
    case pong
    case ok
    case err(String)
}
