import Foundation
import GreenticTestKit

/// A stand-in `docker` executable for testing the compose backend where no Docker engine runs:
/// it records every call (one line of arguments each) and answers `compose … port SERVICE PORT`
/// from a table, `compose … logs` with a line per service, and `compose … up` with the exit
/// code asked for.
public struct FakeDocker {
    public let executable: URL
    public let callLog: URL

    /// - Parameters:
    ///   - ports: host port per service name (`nats` → 43210).
    ///   - upExitCode: what `compose up` exits with (non-zero prints an error on stderr).
    public init(in folder: URL, ports: [String: Int], upExitCode: Int32 = 0) throws {
        executable = folder.appendingPathComponent("docker")
        callLog = folder.appendingPathComponent("docker-calls.log")
        let cases = ports.map { "      \($0.key)) echo \"0.0.0.0:\($0.value)\" ;;" }.sorted().joined(separator: "\n")
        let script = """
        #!/bin/sh
        echo "$*" >> '\(callLog.path)'
        [ "$1" = "info" ] && { echo "28.0.0-fake"; exit 0; }
        [ "$1" = "compose" ] || { echo "fake docker: unsupported command $1" >&2; exit 2; }
        shift
        while [ $# -gt 0 ]; do
          case "$1" in
            -f|-p) shift 2 ;;
            *) break ;;
          esac
        done
        case "$1" in
          up)
            if [ \(upExitCode) -ne 0 ]; then echo "Error response from daemon: pull access denied" >&2; exit \(upExitCode); fi
            exit 0 ;;
          port)
            case "$2" in
        \(cases)
              *) echo "no such service: $2" >&2; exit 1 ;;
            esac ;;
          logs) echo "nats-1  | [1] fake log line"; exit 0 ;;
          down) exit 0 ;;
          *) echo "fake docker: unsupported compose command $1" >&2; exit 2 ;;
        esac
        """
        try ExecutableScript.write(script, to: executable)
    }

    /// The recorded calls, one argument list per line.
    public func calls() -> [String] {
        let text = (try? String(contentsOf: callLog, encoding: .utf8)) ?? ""
        return text.split(separator: "\n").map(String.init)
    }
}
