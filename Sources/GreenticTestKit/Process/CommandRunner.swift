import Foundation

/// Runs a short command to completion and captures its output (docker compose calls, tool
/// version checks). Long-running services use `ServiceSpec` instead.
public enum CommandRunner {
    /// A finished command.
    public struct Output: Sendable {
        public var status: Int32
        public var stdout: String
        public var stderr: String
    }

    public static func run(_ executable: String, _ arguments: [String], environment: [String: String]? = nil,
                           workingDirectory: URL? = nil, timeout: Duration = .seconds(300)) async throws -> Output {
        let path = try ExecutableLocator.locate(executable, environment: environment ?? ProcessInfo.processInfo.environment)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: path)
        process.arguments = arguments
        if let environment { process.environment = environment }
        if let workingDirectory { process.currentDirectoryURL = workingDirectory }
        let outPipe = Pipe()
        let errPipe = Pipe()
        process.standardOutput = outPipe
        process.standardError = errPipe
        process.standardInput = FileHandle.nullDevice
        async let out = readToEnd(outPipe.fileHandleForReading)
        async let err = readToEnd(errPipe.fileHandleForReading)
        nonisolated(unsafe) let watched = process
        let watchdog = Task {
            try await Task.sleep(for: timeout)
            if watched.isRunning { watched.terminate() }
        }
        defer { watchdog.cancel() }
        let status: Int32 = try await withCheckedThrowingContinuation { continuation in
            process.terminationHandler = { p in continuation.resume(returning: p.terminationStatus) }
            do { try process.run() } catch {
                process.terminationHandler = nil
                continuation.resume(throwing: error)
            }
            try? outPipe.fileHandleForWriting.close()
            try? errPipe.fileHandleForWriting.close()
        }
        return Output(status: status, stdout: String(decoding: await out, as: UTF8.self), stderr: String(decoding: await err, as: UTF8.self))
    }

    /// Reads a pipe to its end on a dedicated thread (never blocking the cooperative pool).
    static func readToEnd(_ handle: FileHandle) async -> Data {
        await withCheckedContinuation { continuation in
            Thread.detachNewThread {
                continuation.resume(returning: handle.readDataToEndOfFile())
            }
        }
    }
}
