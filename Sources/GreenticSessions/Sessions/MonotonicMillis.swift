import Foundation
import GreenticTestKit
import Synchronization

/// Millisecond stamps that follow the wall clock and strictly increase: a stamp is the wall
/// time, or one more than the previous stamp when the wall has not moved past it (several in one
/// millisecond, or a clock stepped back). N stamps within one millisecond lead the wall clock by
/// N - 1 ms until it catches up.
package struct MonotonicMillis: Sendable {
    private var last: UInt64 = 0

    package init() {}

    package mutating func next(wall: UInt64) -> UInt64 {
        last = max(wall, last &+ 1)
        return last
    }
}
