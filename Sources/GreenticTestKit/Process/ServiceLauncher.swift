import Foundation

/// Launches a `ServiceSpec`: resolves the executable, starts it in its own process group with
/// its output read live (`ServiceOutput`), registers the group with the reaper, and waits for
/// readiness. On any failure the process group is killed and its output read to the end before
/// the error (with the log's last lines) is thrown.
package enum ServiceLauncher {
    public static func launch(_ spec: ServiceSpec, name: String, environment: [String: String], logURL: URL,
                              reaper: Reaper?, cleanupPaths: [String] = [],
                              timeline: Timeline? = nil) async throws -> ServiceProcess {
        let path = spec.isKitExecutable
            ? try await GreenticBinaries.resolve(spec.executable, environment: environment)
            : try ExecutableLocator.locate(spec.executable, extraPaths: spec.searchPaths, environment: environment)
        let logOffset = LogFollower.size(of: logURL)
        let launched: ProcessLauncher.Launched
        let output: ServiceOutput
        do {
            // The output is read (and in the timeline's order) before the process exists: under
            // load the launching thread can lose the CPU between the spawn and anything after
            // it, while the service already prints and publishes.
            let pipe = try ProcessLauncher.outputPipe()
            do {
                output = try ServiceOutput(readFD: pipe.read, logURL: logURL, owner: spec.runAs, timeline: timeline, source: name)
            } catch {
                close(pipe.write)
                throw error
            }
            do {
                defer { close(pipe.write) }
                launched = try ProcessLauncher.launch(path: path, arguments: spec.arguments, environment: environment,
                                                      workingDirectory: spec.workingDirectory, outputFD: pipe.write, errorFD: -1,
                                                      runAs: spec.runAs)
            } catch {
                await output.finish()
                throw error
            }
        } catch {
            throw ServiceError.spawnFailed(service: name, executable: path, reason: "\(error)")
        }
        let process = ServiceProcess(name: name, spec: spec, pid: launched.pid, startTime: launched.startTime,
                                     logURL: logURL, executablePath: path, output: output)
        let entry = Reaper.Entry(pgid: launched.pid, leaderStartTime: launched.startTime, name: name,
                                 command: ([path] + spec.arguments).joined(separator: " "), cleanupPaths: cleanupPaths)
        try? reaper?.register(entry)
        do {
            var checker = ReadinessChecker(service: process, timeout: spec.readinessTimeout, logOffset: logOffset)
            try await checker.waitUntilReady()
        } catch {
            await process.stop(grace: .milliseconds(200))
            await output.finish()
            reaper?.unregister(pgid: launched.pid, leaderStartTime: launched.startTime)
            // The tail is read again now that every byte the process wrote is in the log.
            throw (error as? ServiceError)?.withLogTail(process.logTail(), outputBytes: output.bytesRead) ?? error
        }
        return process
    }
}
