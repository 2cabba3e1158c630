/// Errors of the test environment itself.
public enum TestEnvError: Error, CustomStringConvertible {
    /// Something the test needs is not on this machine: skipped normally, a failure under
    /// `CI` or `E2E_STRICT=1`.
    case prerequisiteMissing([String])
    /// A missing prerequisite under `CI` or `E2E_STRICT=1`: the test fails with this, once.
    case prerequisiteRequired([String])
    case invalidConfiguration(String)
    case infraNotRequested(InfraKind)
    /// The test passed but left resources behind (a failure only under `CI` / `E2E_STRICT=1`).
    case leaked([ResourceLeak])
    /// The test failed; the artifacts folder is kept and named here.
    case failed(test: String, underlying: any Error, artifacts: String, evidence: String)

    public var description: String {
        switch self {
        case .prerequisiteMissing(let what):
            return "missing prerequisite: \(what.joined(separator: "; "))"
        case .prerequisiteRequired(let what):
            return "missing prerequisite: \(what.joined(separator: "; ")) (required under CI / E2E_STRICT=1)"
        case .invalidConfiguration(let message):
            return message
        case .infraNotRequested(let kind):
            return "\(kind.rawValue) was not requested: pass infra: [.\(kind.rawValue)] to TestEnv.with"
        case .leaked(let leaks):
            return "left behind when the test ended (already reclaimed; close, stop or delete them in the test): "
                + leaks.map(\.description).joined(separator: "; ")
        case .failed(let test, let underlying, let artifacts, let evidence):
            return "\(test) failed: \(underlying)\nartifacts: \(artifacts)\n\(evidence)"
        }
    }

    /// The error a test body threw, unwrapping `.failed`.
    public var rootCause: any Error {
        if case .failed(_, let underlying, _, _) = self {
            return (underlying as? TestEnvError)?.rootCause ?? underlying
        }
        return self
    }
}
