import GreenticTestKit
import Testing

/// The one conversion every timeout goes through keeps the sub-second part (a 500 ms NATS
/// connect timeout once became 1 ms, a probe's 2.2 s became 2.5 s).
@Suite("Duration to nanoseconds and TimeAmount")
struct DurationConversionTests {
    @Test(arguments: [
        (Duration.milliseconds(500), Int64(500_000_000)),
        (.seconds(2) + .milliseconds(200), 2_200_000_000),
        (.microseconds(1), 1_000),
        (.nanoseconds(7), 7),
        (.zero, 0),
        (.milliseconds(-250), -250_000_000),
    ])
    func keepsTheSubSecondPart(duration: Duration, nanoseconds: Int64) {
        #expect(duration.wholeNanoseconds == nanoseconds)
        #expect(duration.timeAmount.nanoseconds == nanoseconds)
    }

    @Test func saturatesInsteadOfOverflowing() {
        #expect(Duration.seconds(Int64.max / 2).wholeNanoseconds == .max)
        #expect(Duration.seconds(Int64.min / 2).wholeNanoseconds == .min)
    }
}
