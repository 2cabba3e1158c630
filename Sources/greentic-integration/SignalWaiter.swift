import Dispatch
import Foundation

/// Waits for one of a set of signals (and stops their default action meanwhile).
enum SignalWaiter {
    static func wait(for signals: [Int32]) async -> Int32 {
        await withCheckedContinuation { continuation in
            let queue = DispatchQueue(label: "greentic.signals")
            let fired = NSLock()
            nonisolated(unsafe) var done = false
            nonisolated(unsafe) var sources: [any DispatchSourceSignal] = []
            for sig in signals {
                signal(sig, SIG_IGN)
                let source = DispatchSource.makeSignalSource(signal: sig, queue: queue)
                source.setEventHandler {
                    fired.lock()
                    defer { fired.unlock() }
                    guard !done else { return }
                    done = true
                    sources.forEach { $0.cancel() }
                    continuation.resume(returning: sig)
                }
                sources.append(source)
                source.resume()
            }
        }
    }
}
