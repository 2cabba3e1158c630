import Simulators
import Testing

/// The contract's tampered-token check must report a backend whose tokens are not JWTs instead
/// of crashing the checker.
@Suite("Direct Line contract: tampering with a token")
struct DirectLineTamperTests {
    @Test func flipsTheFirstSignatureCharacter() {
        #expect(DirectLineContract.tamperedSignature(of: "h.p.sig") == "h.p.Aig")
        #expect(DirectLineContract.tamperedSignature(of: "h.p.Aig") == "h.p.Big")
    }

    @Test func aTokenWithoutASignatureHasNothingToTamperWith() {
        // A non-conforming backend's opaque token once crashed the checker (a force-unwrap).
        #expect(DirectLineContract.tamperedSignature(of: "opaque-token") == nil)
        #expect(DirectLineContract.tamperedSignature(of: "h.p.") == nil)
        #expect(DirectLineContract.tamperedSignature(of: "") == nil)
    }
}
