import Foundation

/// Polls `condition` every 10 ms until it holds (true) or `timeout` passes (false): for state a
/// test cannot be told about, such as another process's reconnect attempts.
public func eventually(within timeout: Duration = .seconds(5), _ condition: () -> Bool) async throws -> Bool {
    let deadline = ContinuousClock.now + timeout
    while !condition() {
        if ContinuousClock.now > deadline { return false }
        try await Task.sleep(for: .milliseconds(10))
    }
    return true
}
