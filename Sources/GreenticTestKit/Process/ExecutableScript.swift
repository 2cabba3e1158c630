import CProcessSpawn
import Foundation

/// Writes a script or fake tool that a test then runs (a fake `docker`, a stand-in validator).
/// Written with `Data.write`, the file can fail to run with ETXTBSY ("Text file busy"): a
/// process the kit forks for another test at that moment inherits the descriptor open for
/// writing until it execs. This writes it while no service is being forked.
package enum ExecutableScript {
    public static func write(_ text: String, to url: URL, mode: mode_t = 0o755) throws {
        let bytes = Array(text.utf8)
        let err = bytes.withUnsafeBytes { gt_write_executable(url.path, $0.baseAddress, $0.count, UInt32(mode)) }
        guard err == 0 else {
            throw TestEnvError.invalidConfiguration("cannot write \(url.path): \(String(cString: strerror(err)))")
        }
    }
}
