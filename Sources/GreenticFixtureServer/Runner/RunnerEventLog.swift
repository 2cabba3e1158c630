import Foundation
import GreenticSessions
import GreenticTestKit
import Synchronization

/// The last `capacity` runner events, oldest first.
package final class RunnerEventLog: Sendable {
    public let capacity: Int
    private let events = Mutex<[RunnerEvent]>([])

    public init(capacity: Int = 100) {
        self.capacity = capacity
    }

    public func append(_ event: RunnerEvent) {
        events.withLock { e in
            e.append(event)
            if e.count > capacity { e.removeFirst(e.count - capacity) }
        }
    }

    public func all() -> [RunnerEvent] { events.withLock { $0 } }

    public func clear() { events.withLock { $0 = [] } }
}
