import GreenticFixtureServer
import Testing

@Suite("serve --watch reloads on the trailing edge of a change")
struct PackChangeDebouncerTests {
    let t0 = ContinuousClock.now
    func at(_ ms: Int) -> ContinuousClock.Instant { t0 + .milliseconds(ms) }

    @Test func aBurstReloadsOnceWithItsLastContentAfterTheTreeSettles() {
        var d = PackChangeDebouncer(applied: "A", debounce: .milliseconds(200))
        // Three edits 100 ms apart: a leading-edge throttle would reload "B" at once.
        #expect(d.observe("B", at: at(100)) == nil)
        #expect(d.observe("C", at: at(200)) == nil)
        #expect(d.observe("D", at: at(300)) == nil)
        #expect(d.observe("D", at: at(400)) == nil, "quiet for 100 ms only")
        #expect(d.observe("D", at: at(499)) == nil)
        #expect(d.observe("D", at: at(500)) == "D", "quiet for the debounce: the last content, once")
        #expect(d.observe("D", at: at(600)) == nil)
        #expect(d.observe("D", at: at(5_000)) == nil)
        #expect(d.state == .quiet(applied: "D"))
    }

    @Test func aTouchOrAnUndoneEditReloadsNothing() {
        var d = PackChangeDebouncer(applied: "A", debounce: .milliseconds(200))
        // A touch changes no content, so the fingerprint stays "A".
        for ms in stride(from: 100, through: 2_000, by: 100) { #expect(d.observe("A", at: at(ms)) == nil) }
        #expect(d.state == .quiet(applied: "A"))
        // Edited and put back within the window: settles on what is already applied.
        #expect(d.observe("B", at: at(2_100)) == nil)
        #expect(d.observe("A", at: at(2_200)) == nil)
        #expect(d.observe("A", at: at(2_500)) == nil)
        #expect(d.state == .quiet(applied: "A"))
    }

    @Test func aSlowPollStillWaitsForAQuietObservation() {
        var d = PackChangeDebouncer(applied: "A", debounce: .milliseconds(200))
        // The first poll that sees a change never reloads, however late it comes.
        #expect(d.observe("B", at: at(10_000)) == nil)
        #expect(d.observe("B", at: at(10_250)) == "B")
        // A change after a failed apply (a broken edit) is still seen as a change.
        #expect(d.observe("C", at: at(11_000)) == nil)
        #expect(d.observe("C", at: at(11_200)) == "C")
    }
}
