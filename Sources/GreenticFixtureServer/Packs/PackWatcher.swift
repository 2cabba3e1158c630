import Crypto
import Foundation
import GreenticTestKit
import Logging

/// Reloads the pack index when the content under the packs root changes (`serve --watch`).
///
/// Polls a fingerprint of every file's path and content hash; only content changes count (a
/// read or a touch does not). `PackChangeDebouncer` decides when to reload: on the trailing
/// edge, once the tree has been quiet for the debounce interval, so the last change of a burst
/// is never lost. A broken edit keeps the previous index and is reported (log and `/healthz`,
/// which also counts the watcher's polls and the reloads).
package struct PackWatcher: Sendable {
    public let state: FixtureServerState
    public let logger: Logger
    public let pollInterval: Duration
    public let debounce: Duration

    public init(state: FixtureServerState, logger: Logger, pollInterval: Duration = .milliseconds(100),
                debounce: Duration = .milliseconds(200)) {
        self.state = state
        self.logger = logger
        self.pollInterval = pollInterval
        self.debounce = debounce
    }

    /// Runs until the task is cancelled.
    public func run() async {
        var debouncer = PackChangeDebouncer(applied: Self.fingerprint(root: state.config.packsRoot), debounce: debounce)
        logger.info("watching \(state.config.packsRoot) for pack changes")
        while !Task.isCancelled {
            try? await Task.sleep(for: pollInterval)
            let due = debouncer.observe(Self.fingerprint(root: state.config.packsRoot), at: .now)
            state.recordWatchPoll()
            guard due != nil else { continue }
            do {
                let index = try state.reloadPacks()
                try await state.runner.reload(packs: index.entries, defaults: state.config.defaults)
            } catch {
                logger.warning("pack change not applied: \(error)")
            }
        }
    }

    /// A digest of every regular file's relative path and content under `root`.
    public static func fingerprint(root: String) -> String {
        guard let enumerator = FileManager.default.enumerator(atPath: root) else { return "absent" }
        var hasher = SHA256()
        var files: [String] = []
        while let item = enumerator.nextObject() as? String { files.append(item) }
        for file in files.sorted() {
            let path = root + "/" + file
            var st = stat()
            guard stat(path, &st) == 0, (st.st_mode & S_IFMT) == S_IFREG else { continue }
            hasher.update(data: Data(file.utf8))
            hasher.update(data: Data([0]))
            if let data = FileManager.default.contents(atPath: path) { hasher.update(data: data) }
            hasher.update(data: Data([0]))
        }
        return HexDigest.hex(hasher.finalize())
    }
}
