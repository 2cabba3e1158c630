import Foundation
import GreenticTestKit
import NIOCore
import NIOPosix

/// What an operation returned.
enum JournalResult: Sendable {
    case record(SessionRecord)
    case count(Int)
}
