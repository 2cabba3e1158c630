import Foundation
@testable import GreenticTestKit
import ScenarioDSL
import Testing

@Suite("Subject patterns and near misses")
struct SubjectPatternTests {
    @Test(arguments: [
        ("a.b.c", "a.b.c", true), ("a.b.c", "a.b", false), ("a.*.c", "a.x.c", true), ("a.*.c", "a.x.y.c", false),
        ("a.>", "a.b", true), ("a.>", "a.b.c.d", true), ("a.>", "a", false), (">", "anything.at.all", true), ("*", "a.b", false),
    ])
    func matchesAsTheServerDoes(pattern: String, subject: String, expected: Bool) {
        #expect(SubjectPattern(pattern).matches(subject) == expected)
    }

    @Test(arguments: [
        ("t.order.created", "t.orders.created", true),   // one token, also one edit
        ("t.order.created", "t.order.create", true),     // within two edits
        ("t.order.created", "t.invoice.created", true),  // one token different
        ("t.order.created", "t.invoice.paid", false),
        ("t.order.created", "t.order.created", false),   // a match is not a miss
        ("t.order.>", "t.orders.created.eu", true),
        ("greentic.messaging.egress.dev.acme.default.webchat", "greentic.messaging.ingress.dev.acme.default.webchat", true),
        ("a.b", "x.y.z", false),
    ])
    func nearMisses(pattern: String, subject: String, expected: Bool) {
        #expect(SubjectPattern(pattern).isNearMiss(subject) == expected)
    }
}

@Suite("What the timeline keeps of a body")
struct EvidencePolicyTests {
    @Test func jsonIsKeptWithSecretNamedMembersRedacted() throws {
        let policy = EvidencePolicy(bodyLimit: 1024, secretValues: { ["hunter22"] })
        let body = policy.body(Data(#"{"user":"u","password":"p","nested":{"api_key":"k","note":"pw hunter22"},"n":1}"#.utf8))
        #expect(body == ["user": "u", "password": "<redacted>", "nested": ["api_key": "<redacted>", "note": "pw <redacted>"], "n": 1])
        #expect(policy.headers([("Authorization", "Bearer x"), ("Content-Type", "application/json")])
                == ["Authorization": "<redacted>", "Content-Type": "application/json"])
    }

    @Test func everyOccurrenceOfEverySecretIsHiddenAndNamesMatchInAnyCase() {
        #expect(EvidencePolicy.hide(["hunter22", "s3cr3t-v"], in: "hunter22/hunter22 and s3cr3t-v, é hunter22") ==
                "<redacted>/<redacted> and <redacted>, é <redacted>")
        #expect(EvidencePolicy.hide(["abc"], in: "abc") == "abc", "values under 4 bytes are not treated as secrets")
        #expect(EvidencePolicy.hide(["aaaa"], in: "aaaaaaaaa") == "<redacted><redacted>a")
        #expect(EvidencePolicy.hide([], in: "nothing") == "nothing")
        for name in ["X-API-Key", "accessToken", "DB_PASSWORD", "Set-Cookie", "clientSecret", "PrivateKey"] {
            #expect(EvidencePolicy.isSecretName(name), "\(name)")
        }
        #expect(!EvidencePolicy.isSecretName("subject") && !EvidencePolicy.isSecretName("Ä-name"))
    }

    @Test func bodiesOverTheLimitAreCutAndSaySo() {
        let policy = EvidencePolicy(bodyLimit: 10)
        let body = policy.body(Data(String(repeating: "x", count: 50).utf8))
        #expect(body == ["text": "xxxxxxxxxx", "truncated": true, "bytes": 50])
        #expect(policy.body(Data("plain".utf8)) == "plain")
        #expect(EvidencePolicy.from(environment: ["E2E_TIMELINE_BODY_LIMIT": "99"]).bodyLimit == 99)
    }
}

@Suite("timeline.html")
struct TimelinePageTests {
    @Test func lanesPerSourceAndTheFailureAreOnThePage() throws {
        let lines = [
            #"{"t_ms":1,"kind":"service","source":"api","data":{"event":"starting"}}"#,
            #"{"t_ms":2,"kind":"log","source":"api","data":{"line":"</script><b>hi</b>"}}"#,
            #"{"t_ms":3,"kind":"message","source":"wiretap","data":{"subject":"a.b","payload":{"x":1}}}"#,
            #"{"t_ms":4,"kind":"expectation","source":"scenario:s","data":{"event":"failed","index":1,"kind":"expect","message":"expected it"}}"#,
            "not json",
        ].joined(separator: "\n")
        let html = TimelinePage.render(jsonl: Data(lines.utf8), title: "t<1>")
        #expect(html.contains("<title>timeline: t&lt;1&gt;</title>"))
        #expect(html.contains(#""label":"service: api""#) && html.contains(#""label":"nats: a.b""#) && html.contains(#""label":"steps: s""#))
        #expect(html.contains(#""failures":["step 2 (expect) failed: expected it"]"#))
        #expect(html.contains(#""failed":[3]"#))
        #expect(!html.contains("</script><b>"), "data cannot close the script element")
        #expect(!html.contains("http://") && !html.contains("https://"), "the page loads nothing from the network")
    }
}

@Suite("Subject pattern coverage")
struct SubjectPatternCoverageTests {
    @Test(arguments: [
        (">", "orders.created", true), (">", "a.*.>", true), ("orders.>", "orders.created", true),
        ("orders.>", "orders", false), ("orders.*", "orders.created", true), ("orders.*", "orders.>", false),
        ("orders.*", "orders.*", true), ("orders.created", "orders.*", false), ("*.created", "orders.created", true),
        ("orders.created", "orders.created", true), ("orders.created", "order.created", false),
        (">", "$JS.API.INFO", false), ("$JS.>", "$JS.API.INFO", true),
    ])
    func covers(pattern: String, other: String, expected: Bool) {
        #expect(SubjectPattern(pattern).covers(SubjectPattern(other)) == expected)
    }

    /// Coverage never claims more than matching allows: whenever a pattern covers another, it
    /// matches every subject the other matches (all subjects of up to three tokens over a small
    /// alphabet, against every pattern of up to three tokens).
    @Test func coverageImpliesMatching() {
        let tokens = ["a", "b", "*", ">"]
        var patterns: [String] = []
        func build(_ prefix: [String], _ left: Int) {
            if !prefix.isEmpty { patterns.append(prefix.joined(separator: ".")) }
            guard left > 0, prefix.last != ">" else { return }
            for t in tokens { build(prefix + [t], left - 1) }
        }
        build([], 3)
        var subjects: [String] = []
        func literal(_ prefix: [String], _ left: Int) {
            if !prefix.isEmpty { subjects.append(prefix.joined(separator: ".")) }
            guard left > 0 else { return }
            for t in ["a", "b"] { literal(prefix + [t], left - 1) }
        }
        literal([], 4)
        for a in patterns.map(SubjectPattern.init) {
            for b in patterns.map(SubjectPattern.init) where a.covers(b) {
                for subject in subjects where b.matches(subject) {
                    #expect(a.matches(subject), "\(a) covers \(b) but does not match \(subject)")
                }
            }
        }
    }
}
