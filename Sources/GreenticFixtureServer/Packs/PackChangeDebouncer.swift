/// When `serve --watch` reloads: on the trailing edge of a burst of content changes.
///
/// Fed one fingerprint of the packs tree per poll, it asks for a reload only once the tree has
/// stayed the same for `debounce` after its last change, and only when the content then differs
/// from what was last applied: a touch, or an edit undone within the window, reloads nothing,
/// and the last change of a burst is always the one applied.
package struct PackChangeDebouncer: Sendable {
    /// Where the watcher stands.
    public enum State: Sendable, Equatable {
        /// The tree is as last applied (or as last seen, if that failed to apply).
        case quiet(applied: String)
        /// The tree changed to `latest` at `since` and has not settled yet.
        case settling(applied: String, latest: String, since: ContinuousClock.Instant)
    }

    public let debounce: Duration
    public private(set) var state: State

    public init(applied: String, debounce: Duration) {
        self.debounce = debounce
        self.state = .quiet(applied: applied)
    }

    /// Takes the fingerprint seen at `now`; returns it when it is time to apply it.
    public mutating func observe(_ fingerprint: String, at now: ContinuousClock.Instant) -> String? {
        switch state {
        case .quiet(let applied):
            if fingerprint != applied { state = .settling(applied: applied, latest: fingerprint, since: now) }
            return nil
        case .settling(let applied, let latest, let since):
            if fingerprint != latest {
                state = .settling(applied: applied, latest: fingerprint, since: now)
                return nil
            }
            guard now - since >= debounce else { return nil }
            state = .quiet(applied: fingerprint)
            return fingerprint == applied ? nil : fingerprint
        }
    }
}
