import Synchronization

/// Lets `count` tasks wait until all of them have arrived, to prove they overlap in time.
public final class Barrier: Sendable {
    private let state: Mutex<(arrived: Int, waiters: [CheckedContinuation<Void, Never>])>
    private let count: Int

    public init(count: Int) {
        self.count = count
        state = Mutex((0, []))
    }

    public func arriveAndWait() async {
        await withCheckedContinuation { (c: CheckedContinuation<Void, Never>) in
            let release = state.withLock { s -> [CheckedContinuation<Void, Never>] in
                s.arrived += 1
                s.waiters.append(c)
                guard s.arrived >= count else { return [] }
                defer { s.waiters = [] }
                return s.waiters
            }
            release.forEach { $0.resume() }
        }
    }
}
