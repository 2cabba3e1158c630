import GreenticTestKit
import Testing

@Suite("Naming and sanitising")
struct NameSanitizerTests {
    @Test(arguments: [
        ("e2e_retry_backoff", "e2e_retry_backoff"),
        ("L1.Suite/test(name:)", "L1_Suite_test_name"),
        ("../../etc/passwd", "etc_passwd"),
        ("__x__", "x"),
        ("tenant with spaces", "tenant_with_spaces"),
        ("ünïcode", "n_code"),
        ("...", "unnamed"),
        ("", "unnamed"),
    ])
    func sanitizes(raw: String, expected: String) {
        #expect(NameSanitizer.sanitize(raw) == expected)
    }

    @Test func pathComponentsAreCappedAndNeverTraverse() {
        let long = String(repeating: "a", count: 500)
        #expect(NameSanitizer.pathComponent(long).count == 120)
        for hostile in ["..", ".", "/", "a/../b", "\0", "\n"] {
            let component = NameSanitizer.pathComponent(hostile)
            #expect(!component.contains("/") && component != ".." && component != ".")
        }
    }

    @Test(arguments: ["acme", "team-1", "user.name", "A_b-9.z"])
    func acceptsIdentifiers(value: String) {
        #expect(NameSanitizer.isValidIdentifier(value))
    }

    @Test(arguments: ["", "a b", "a/b", "tenant;drop", "é", "a\nb"])
    func rejectsIdentifiers(value: String) {
        #expect(!NameSanitizer.isValidIdentifier(value))
    }
}
