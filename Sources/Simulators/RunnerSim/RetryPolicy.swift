import GreenticTestKit

/// How the runner simulator retries a failing flow: up to `maxAttempts` attempts, waiting
/// `base × 2^(attempt − 1)` plus a random jitter of up to a quarter of that between them.
package struct RetryPolicy: Sendable, Equatable {
    package var maxAttempts: Int
    package var base: Duration

    package init(maxAttempts: Int, base: Duration) {
        self.maxAttempts = maxAttempts
        self.base = base
    }

    /// The wait after failed attempt `attempt` (1-based), or nil when it was the last one.
    /// `random` picks the jitter in nanoseconds from the range it is given.
    package func delay(after attempt: Int, random: (ClosedRange<Int64>) -> Int64 = { Int64.random(in: $0) }) -> Duration? {
        guard attempt >= 1, attempt < maxAttempts else { return nil }
        // 2^30 × base is already longer than any test waits; the cap keeps the shift defined.
        let backoff = base * (1 << min(attempt - 1, 30))
        let jitterLimit = max(0, backoff.wholeNanoseconds / 4)
        return backoff + .nanoseconds(random(0...jitterLimit))
    }
}
