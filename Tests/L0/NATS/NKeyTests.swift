import ScenarioDSL
import Testing

/// NKey seeds: round trip, and no altered seed decodes to a key.
@Suite("NKey seeds")
struct NKeyTests {
    @Test func aSeedRoundTripsToTheSameKey() throws {
        for role in NKey.Role.allCases {
            let key = NKey(random: role)
            let decoded = try NKey(seed: key.seed)
            #expect(decoded.publicKey == key.publicKey && decoded.role == role)
        }
    }

    /// Every single-character change at every position is refused: the checksum covers the key
    /// bytes, and the last character's spare bits must be zero (only the canonical spelling decodes).
    @Test func everySingleCharacterChangeIsRefused() {
        let seed = Array(NKey(random: .user).seed)
        let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567")
        var accepted: [String] = []
        for position in seed.indices {
            for letter in alphabet where letter != seed[position] {
                var changed = seed
                changed[position] = letter
                if (try? NKey(seed: String(changed))) != nil { accepted.append("\(position):\(letter)") }
            }
        }
        #expect(accepted.isEmpty, "altered seeds accepted: \(accepted.prefix(10))")
    }
}
