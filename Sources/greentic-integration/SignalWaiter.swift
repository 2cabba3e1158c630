import Dispatch
import Foundation

/// Waits for one of a set of signals (and stops their default action meanwhile).
enum SignalWaiter {
    static func wait(for signals: [Int32]) async -> Int32 {
        await withCheckedContinuation { continuation in
            let wait = Wait(continuation: continuation)
            wait.queue.sync { wait.install(signals) }
        }
    }

    /// One wait: its signal sources and the continuation the first signal resumes.
    /// `@unchecked Sendable` because every stored property is read and written only on `queue`,
    /// a serial queue: the sources are installed there and their handlers run there, so a signal
    /// arriving while the sources are still being installed cannot race the installation.
    private final class Wait: @unchecked Sendable {
        let queue = DispatchQueue(label: "greentic.signals")
        private var sources: [any DispatchSourceSignal] = []
        private var continuation: CheckedContinuation<Int32, Never>?

        init(continuation: CheckedContinuation<Int32, Never>) {
            self.continuation = continuation
        }

        func install(_ signals: [Int32]) {
            dispatchPrecondition(condition: .onQueue(queue))
            for sig in signals {
                signal(sig, SIG_IGN)
                let source = DispatchSource.makeSignalSource(signal: sig, queue: queue)
                source.setEventHandler { [self] in fire(sig) }
                sources.append(source)
                source.resume()
            }
        }

        private func fire(_ sig: Int32) {
            dispatchPrecondition(condition: .onQueue(queue))
            guard let continuation else { return }
            self.continuation = nil
            // Cancelling drops the handlers, which breaks the source ↔ wait cycle.
            sources.forEach { $0.cancel() }
            sources = []
            continuation.resume(returning: sig)
        }
    }
}
