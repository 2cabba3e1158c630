import Foundation
import Synchronization

/// A source whose events reach the timeline some time after they happened (a pipe read by its
/// own thread). The timeline calls `readBacklog()` in its order before stamping any other event;
/// it appends what it reads with `Timeline.appendInOrder` and never calls `Timeline.append`.
protocol TimelineBacklog: AnyObject, Sendable {
    func readBacklog()
}
