import Foundation

/// Launches a `ServiceSpec`: resolves the executable, starts it in its own process group,
/// registers the group with the reaper, and waits for readiness. On any failure the process
/// group is killed before the error is thrown.
public enum ServiceLauncher {
    public static func launch(_ spec: ServiceSpec, name: String, environment: [String: String], logURL: URL,
                              reaper: Reaper?, cleanupPaths: [String] = []) async throws -> ServiceProcess {
        let path = try ExecutableLocator.locate(spec.executable, extraPaths: spec.searchPaths, environment: environment)
        let logOffset = LogFollower.size(of: logURL)
        let launched: ProcessLauncher.Launched
        do {
            launched = try ProcessLauncher.launch(path: path, arguments: spec.arguments, environment: environment,
                                                  workingDirectory: spec.workingDirectory, logURL: logURL, runAs: spec.runAs)
        } catch {
            throw ServiceError.spawnFailed(service: name, executable: path, reason: "\(error)")
        }
        let process = ServiceProcess(name: name, spec: spec, pid: launched.pid, startTime: launched.startTime,
                                     logURL: logURL, executablePath: path)
        let entry = Reaper.Entry(pgid: launched.pid, leaderStartTime: launched.startTime, name: name,
                                 command: ([path] + spec.arguments).joined(separator: " "), cleanupPaths: cleanupPaths)
        try? reaper?.register(entry)
        do {
            var checker = ReadinessChecker(service: process, timeout: spec.readinessTimeout, logOffset: logOffset)
            try await checker.waitUntilReady()
        } catch {
            await process.stop(grace: .milliseconds(200))
            reaper?.unregister(pgid: launched.pid, leaderStartTime: launched.startTime)
            throw error
        }
        return process
    }
}
