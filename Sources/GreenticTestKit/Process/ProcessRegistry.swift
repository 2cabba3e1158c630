import Foundation
import Synchronization

/// The process-wide view of the reaper: reaps stale runs once, on first use of a registry, and
/// registers and unregisters the groups this process starts.
final class ProcessRegistry: Sendable {
    static let shared = ProcessRegistry()

    private let reaped = Mutex<Set<String>>([])
    /// Registries used by this process, tidied when it exits.
    static let used = Mutex<[Reaper]>([])
    private static let installExitHook: Void = {
        atexit {
            for reaper in ProcessRegistry.used.withLock({ $0 }) { reaper.removeRunFolderIfEmpty() }
        }
    }()

    func reaper(for base: URL) -> Reaper {
        let reaper = Reaper(artifactsBase: base)
        let first = reaped.withLock { $0.insert(reaper.registry.path).inserted }
        if first {
            _ = Self.installExitHook
            Self.used.withLock { $0.append(reaper) }
            let report = reaper.reapStale()
            if !report.killedGroups.isEmpty || !report.removedPaths.isEmpty {
                HarnessLogger.shared.warning(
                    "reaped \(report.killedGroups.count) process group(s) and \(report.removedPaths.count) path(s) left by \(report.staleRuns.count) dead run(s): \(report.killedGroups.map(\.name).joined(separator: ", "))")
            }
        }
        return reaper
    }
}
