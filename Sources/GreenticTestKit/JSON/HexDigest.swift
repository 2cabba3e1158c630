import Crypto

/// Lower-case hex of SHA-256 digests, used for transcript hashes, pack manifests and watch
/// fingerprints.
package enum HexDigest {
    public static func sha256(_ data: some DataProtocol) -> String {
        hex(SHA256.hash(data: data))
    }

    public static func hex(_ digest: SHA256.Digest) -> String {
        digest.map { String(format: "%02x", $0) }.joined()
    }
}

import Foundation
