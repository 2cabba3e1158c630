import CProcessSpawn
import Foundation

/// Runs a short command to completion and captures its output (docker compose calls, tool
/// version checks). Long-running services use `ServiceSpec` instead.
///
/// The command runs in its own process group; only its stdout and stderr pipes are passed on,
/// so a daemon it leaves behind cannot hold the pipes open. On timeout the group is killed.
package enum CommandRunner {
    /// A finished command.
    public struct Output: Sendable {
        public var status: Int32
        public var stdout: String
        public var stderr: String
    }

    public static func run(_ executable: String, _ arguments: [String], environment: [String: String]? = nil,
                           workingDirectory: URL? = nil, timeout: Duration = .seconds(300)) async throws -> Output {
        let env = environment ?? ProcessInfo.processInfo.environment
        let path = try ExecutableLocator.locate(executable, environment: env)
        var outPipe: [Int32] = [0, 0]
        var errPipe: [Int32] = [0, 0]
        guard gt_pipe_cloexec(&outPipe) == 0 else { throw SystemCallError(errno: errno, context: "pipe") }
        guard gt_pipe_cloexec(&errPipe) == 0 else {
            close(outPipe[0]); close(outPipe[1])
            throw SystemCallError(errno: errno, context: "pipe")
        }
        let launched: ProcessLauncher.Launched
        do {
            launched = try ProcessLauncher.launch(path: path, arguments: arguments, environment: env,
                                                  workingDirectory: workingDirectory, outputFD: outPipe[1],
                                                  errorFD: errPipe[1], runAs: nil)
        } catch {
            [outPipe[0], outPipe[1], errPipe[0], errPipe[1]].forEach { close($0) }
            throw error
        }
        close(outPipe[1])
        close(errPipe[1])
        let pid = launched.pid
        let watchdog = Task {
            try await Task.sleep(for: timeout)
            killpg(pid, SIGKILL)
        }
        defer { watchdog.cancel() }
        async let out = readToEnd(outPipe[0])
        async let err = readToEnd(errPipe[0])
        let status = await waitForExit(pid)
        let code: Int32
        switch status {
        case .exited(let c): code = c
        case .signalled(let s): code = 128 + s
        }
        return Output(status: code, stdout: String(decoding: await out, as: UTF8.self),
                      stderr: String(decoding: await err, as: UTF8.self))
    }

    /// Reads a descriptor to its end on a dedicated thread, then closes it.
    static func readToEnd(_ fd: Int32) async -> Data {
        await withCheckedContinuation { continuation in
            Thread.detachNewThread {
                let handle = FileHandle(fileDescriptor: fd, closeOnDealloc: true)
                continuation.resume(returning: handle.readDataToEndOfFile())
            }
        }
    }

    static func waitForExit(_ pid: pid_t) async -> ExitStatus {
        await withCheckedContinuation { continuation in
            Thread.detachNewThread {
                continuation.resume(returning: ProcessLauncher.waitForExit(pid: pid))
            }
        }
    }
}
