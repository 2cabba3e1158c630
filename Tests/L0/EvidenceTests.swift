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

@Suite("The redacting copy of a body")
struct RedactingJSONCopierTests {
    /// Valid documents, invalid ones and the edges between: the copy must accept exactly what the
    /// parser accepts and read back as the same value.
    static let corpus: [String] = [
        #"{"a":1,"b":[true,false,null],"c":{"d":"e"}}"#, "  [ 1 , -0 , 0.5e-3 , 1E+2 , 123456789012345678 ]  ",
        "\u{FEFF}{\"bom\":1}", #"{"s":"quote \" slash \/ back \\ \b\f\n\r\t \u00e9 \ud83d\ude00"}"#,
        #"{"é":"ünïcødé ✓"}"#, #"{"dup":1,"dup":2}"#, "[]", "{}", #"[[[[{"deep":[]}]]]]"#,
        #"{"a":1,}"#, #"[1,]"#, #"{"a" 1}"#, #"{"a":01}"#, #"{"a":1.}"#, #"{"a":.5}"#, #"{"a":1e}"#, #"{"a":-}"#,
        #"{"a":1e400}"#, #"{"a":"\x"}"#, #"{"a":"\u12G4"}"#, #"{"a":"\ud83d"}"#, #"{"a":"\ude00"}"#,
        "{\"a\":\"raw\nnewline\"}", #"{"a":tru}"#, #"{"a":nul}"#, #"{"a":"unterminated}"#, #"{"a":1} x"#,
        #"{"a":1}{"b":2}"#, #"[1 2]"#, #"{1:2}"#, "", "   ", "42", #""text""#, "true",
    ]

    @Test func acceptsWhatTheParserAcceptsAndReadsBackTheSame() throws {
        let policy = EvidencePolicy(bodyLimit: 1 << 20)
        var inputs = Self.corpus.map { Data($0.utf8) }
        inputs.append(Data([0x7B, 0x22, 0x61, 0x22, 0x3A, 0x22, 0xC3, 0x28, 0x22, 0x7D]))  // {"a":"\xC3("}: not UTF-8
        inputs.append(Data((String(repeating: "[", count: 600) + String(repeating: "]", count: 600)).utf8))
        // Every one-byte deletion and every byte swapped for a structural one, of a document
        // that uses the whole grammar.
        let seed = Array(#"{"k":[1,-2.5e3,"x\"y\u00e9",true,null,{"n":{}}],"z":""}"#.utf8)
        for i in seed.indices {
            var cut = seed
            cut.remove(at: i)
            inputs.append(Data(cut))
            for byte in Array(#"{}[]:,"\ 0e.-"#.utf8) {
                var changed = seed
                changed[i] = byte
                inputs.append(Data(changed))
            }
        }
        for input in inputs {
            var out: [UInt8] = []
            policy.writeBody(input, into: &out)
            let copy = try JSONValue.parse(Data(out))
            let parsed = try? JSONValue.parse(input)
            if let parsed, parsed.objectValue != nil || parsed.arrayValue != nil {
                #expect(copy == parsed, "\(String(decoding: input, as: UTF8.self))")
                #expect(out.count <= input.count, "a copy without secrets never grows: whitespace is dropped, the rest kept")
            } else {
                #expect(copy == .string(String(decoding: input, as: UTF8.self)), "not JSON, so kept as text: \(String(decoding: input, as: UTF8.self))")
            }
            #expect(!out.contains(0x0A), "a copy is one line")
        }
    }

    @Test func keepsOrderAndSpellingAndRedactsAtEveryDepth() {
        let policy = EvidencePolicy(bodyLimit: 1024, secretValues: { ["hunter22", "abc"] })
        var out: [UInt8] = []
        policy.writeBody(Data(#"{ "z" : 1.50, "a":[{"Api_Key":"k","list":["hunter22"]}], "tok\u0065n":"t", "password":{"inner":"x hunter22"}, "abc":"abc" }"#.utf8), into: &out)
        #expect(String(decoding: out, as: UTF8.self) ==
                #"{"z":1.50,"a":[{"Api_Key":"<redacted>","list":["<redacted>"]}],"tok\u0065n":"<redacted>","password":{"inner":"x <redacted>"},"abc":"abc"}"#,
                "a secret-named member holding an object is searched, not dropped; a value under four bytes is no secret")
        out = []
        policy.writeBody(Data(#"{"note":"esc\"aped hunter22"}"#.utf8), into: &out)
        #expect(String(decoding: out, as: UTF8.self) == #"{"note":"esc\"aped <redacted>"}"#)
        out = []
        policy.writeBody(Data("not json hunter22 \n".utf8), into: &out)
        #expect(String(decoding: out, as: UTF8.self) == #""not json <redacted> \n""#)
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
