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

/// The runner simulator's memory of redelivered activity ids: bounded, oldest forgotten first.
@Suite("Recent activity ids")
struct RecentIDsTests {
    @Test func remembersTheLastCapacityIDsAndForgetsTheOldestFirst() {
        var ids = RecentIDs(capacity: 3)
        let first = [ids.insert("a"), ids.insert("b"), ids.insert("c")]
        #expect(first == [true, true, true])
        let again = [ids.insert("a"), ids.insert("c")]
        #expect(again == [false, false], "a redelivery is not new")
        let d = ids.insert("d")
        #expect(d && ids.count == 3)
        #expect(!ids.contains("a") && ids.contains("b") && ids.contains("d"))
        let forgotten = ids.insert("a")
        #expect(forgotten, "forgotten, so new again")
        #expect(!ids.contains("b") && ids.contains("c") && ids.count == 3)
        for n in 0..<10_000 { ids.insert("x\(n)") }
        #expect(ids.count == 3 && ids.contains("x9999") && !ids.contains("x9996"))
    }
}
