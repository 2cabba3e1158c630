import CProcessSpawn
import Foundation
import Synchronization

/// Stops the shared cluster when the process exits normally.
enum PostgresShutdown {
    static let running = Mutex<PostgresCluster.Running?>(nil)
    private static let installOnce: Void = {
        atexit {
            guard let running = PostgresShutdown.running.withLock({ $0 }) else { return }
            // Immediate shutdown (SIGQUIT) releases shared memory; wait briefly, then kill.
            killpg(running.process.pid, SIGQUIT)
            for _ in 0..<300 where running.process.isRunning { usleep(10_000) }
            killpg(running.process.pid, SIGKILL)
            try? FileManager.default.removeItem(atPath: running.dataDirectory)
            Reaper(artifactsBase: running.logURL.deletingLastPathComponent().deletingLastPathComponent())
                .unregister(pgid: running.process.pid, leaderStartTime: running.process.startTime)
        }
    }()

    static func install(_ running: PostgresCluster.Running) {
        PostgresShutdown.running.withLock { $0 = running }
        _ = installOnce
    }
}
