import Foundation
import GreenticTestKit

/// A throwaway artifacts folder for one benchmark run, and `TestEnv` options that use it with
/// the native infra backend.
struct BenchScratch {
    let base: URL
    var options: TestEnvOptions

    init(_ name: String) {
        base = URL(fileURLWithPath: NSTemporaryDirectory()).appendingPathComponent("greentic-bench-\(name)-\(getpid())")
        options = TestEnvOptions(environment: ProcessInfo.processInfo.environment.merging(["E2E_ARTIFACTS_DIR": base.path]) { $1 })
        options.infraSelection = .native
    }

    func remove() {
        try? FileManager.default.removeItem(at: base)
    }
}
