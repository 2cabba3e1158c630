import Simulators
import Testing

/// The runner simulator's backoff: exponential, with jitter of up to a quarter of each wait.
@Suite("Runner simulator retry policy")
struct RetryPolicyTests {
    @Test func waitsDoubleAndTheLastAttemptHasNone() {
        let policy = RetryPolicy(maxAttempts: 4, base: .milliseconds(20))
        let noJitter: (ClosedRange<Int64>) -> Int64 = { $0.lowerBound }
        #expect(policy.delay(after: 1, random: noJitter) == .milliseconds(20))
        #expect(policy.delay(after: 2, random: noJitter) == .milliseconds(40))
        #expect(policy.delay(after: 3, random: noJitter) == .milliseconds(80))
        #expect(policy.delay(after: 4, random: noJitter) == nil)
        #expect(policy.delay(after: 0, random: noJitter) == nil)
    }

    @Test func jitterIsAQuarterOfTheWholeWaitIncludingSeconds() {
        let most: (ClosedRange<Int64>) -> Int64 = { $0.upperBound }
        // A wait of whole seconds once got at most 1 µs of jitter (only the sub-second part counted).
        #expect(RetryPolicy(maxAttempts: 3, base: .seconds(2)).delay(after: 1, random: most) == .milliseconds(2_500))
        #expect(RetryPolicy(maxAttempts: 3, base: .milliseconds(1_500)).delay(after: 2, random: most) == .milliseconds(3_750))
        #expect(RetryPolicy(maxAttempts: 3, base: .milliseconds(20)).delay(after: 1, random: most) == .milliseconds(25))
    }

    @Test func manyAttemptsDoNotOverflow() {
        let policy = RetryPolicy(maxAttempts: 1_000, base: .nanoseconds(1))
        #expect(policy.delay(after: 999, random: { $0.lowerBound }) == .nanoseconds(1 << 30))
    }
}
