import NIOCore

/// One conversion from Swift's `Duration` to whole nanoseconds and NIO's `TimeAmount`, so no
/// timeout loses its sub-second part on the way (a 500 ms connect timeout once became 1 ms).
extension Duration {
    /// The duration in nanoseconds, rounded toward zero; saturates instead of overflowing.
    package var wholeNanoseconds: Int64 {
        let (seconds, attoseconds) = components
        let (scaled, overflow) = seconds.multipliedReportingOverflow(by: 1_000_000_000)
        if overflow { return seconds < 0 ? .min : .max }
        let (total, overflow2) = scaled.addingReportingOverflow(attoseconds / 1_000_000_000)
        if overflow2 { return seconds < 0 ? .min : .max }
        return total
    }

    /// The duration in milliseconds, with its fraction (for reports and JSON).
    package var fractionalMilliseconds: Double { Double(wholeNanoseconds) / 1e6 }

    /// The duration in seconds, with its fraction (for reports and JSON).
    package var fractionalSeconds: Double { Double(wholeNanoseconds) / 1e9 }

    /// The same span as a NIO `TimeAmount`.
    package var timeAmount: TimeAmount { .nanoseconds(wholeNanoseconds) }
}
