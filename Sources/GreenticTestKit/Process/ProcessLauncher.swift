import CProcessSpawn
import Foundation

/// Starts a process in its own process group with stdout and stderr on a pipe (or given
/// descriptors) and, on Linux, a parent-death signal so that it does not outlive the harness.
enum ProcessLauncher {
    struct Launched {
        var pid: pid_t
        var startTime: UInt64
    }

    /// A close-on-exec pipe for a process's output: the caller owns both ends. The reading side
    /// is set up (and registered with the timeline) before the process starts, so nothing the
    /// process writes can precede its reader's place in the order.
    static func outputPipe() throws -> (read: Int32, write: Int32) {
        var fds: [Int32] = [-1, -1]
        guard gt_pipe_cloexec(&fds) == 0 else { throw SystemCallError.current(context: "pipe") }
        return (fds[0], fds[1])
    }

    /// Starts a process writing stdout to `outputFD` and stderr to `errorFD` (-1: same as stdout).
    /// The child closes every other descriptor, so pipes are never leaked into grandchildren.
    static func launch(path: String, arguments: [String], environment: [String: String], workingDirectory: URL?,
                       outputFD fd: Int32, errorFD: Int32, runAs: SystemUser?, newProcessGroup: Bool = true) throws -> Launched {

        let argv = ([path] + arguments).map { strdup($0) }
        let envp = environment.sorted { $0.key < $1.key }.map { strdup("\($0.key)=\($0.value)") }
        defer {
            argv.forEach { free($0) }
            envp.forEach { free($0) }
        }
        var pid: pid_t = 0
        let rc: Int32 = (argv + [nil]).withUnsafeBufferPointer { argvBuf in
            (envp + [nil]).withUnsafeBufferPointer { envBuf in
                path.withCString { cPath in
                    withOptionalCString(workingDirectory?.path) { cCwd in
                        var options = gt_spawn_options()
                        options.path = cPath
                        options.argv = argvBuf.baseAddress
                        options.envp = envBuf.baseAddress
                        options.cwd = cCwd
                        options.stdin_fd = -1
                        options.output_fd = fd
                        options.error_fd = errorFD
                        options.new_process_group = newProcessGroup ? 1 : 0
                        options.parent_death_signal = SIGKILL
                        options.uid = runAs.map { Int32(bitPattern: $0.uid) } ?? -1
                        options.gid = runAs.map { Int32(bitPattern: $0.gid) } ?? -1
                        return gt_spawn(&options, &pid)
                    }
                }
            }
        }
        guard rc == 0 else {
            throw SystemCallError(errno: rc, context: "spawn \(path)")
        }
        return Launched(pid: pid, startTime: UInt64(gt_process_start_time(pid)))
    }

    /// Blocks the calling thread until the process exits.
    static func waitForExit(pid: pid_t) -> ExitStatus {
        var status: Int32 = 0
        if gt_wait_exit(pid, &status) != 0 { return .exited(-1) }
        var value: Int32 = 0
        switch gt_decode_status(status, &value) {
        case 1: return .exited(value)
        case 2: return .signalled(value)
        default: return .exited(-1)
        }
    }

    private static func withOptionalCString<R>(_ s: String?, _ body: (UnsafePointer<CChar>?) -> R) -> R {
        guard let s else { return body(nil) }
        return s.withCString { body($0) }
    }
}

