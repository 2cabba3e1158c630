import Foundation
@testable import GreenticTestKit
import Testing

/// `JSONValue.parse` is the kit's own reader; `JSONDecoder` (through `JSONValue`'s `Decodable`
/// conformance) is the reference it must agree with, value for value and on what it refuses.
@Suite("JSON parser")
struct JSONParserTests {
    static func reference(_ data: Data) -> JSONValue? {
        try? JSONDecoder().decode(JSONValue.self, from: data)
    }

    @Test func randomDocumentsReadBackAsWrittenAndAsJSONDecoderReadsThem() throws {
        var random = SplitMix64(seed: 0x5EED_1234)
        for round in 0..<1500 {
            let value = Self.randomValue(depth: 0, random: &random)
            for text in [JSONWriter.compact(value), JSONWriter.pretty(value)] {
                let parsed = try JSONValue.parse(text)
                #expect(parsed == value, "round \(round): \(text)")
                #expect(parsed == Self.reference(Data(text.utf8)), "round \(round): \(text)")
            }
        }
    }

    @Test(arguments: [
        #" { "a" : [ 1 , -2.5e3 , true , false , null ] , "b" : { } , "c" : [ ] } "#,
        #""\u00e9\u00E9 \ud83d\ude00 \" \\ \/ \b \f \n \r \t""#,
        #"["é", "日本", "😀", "a\u0000b"]"#,
        "-0", "0", "1E+2", "1e-2", "0.1", "123456789012345", "1234567890123456", "12345678901234567890",
        "-9007199254740993", "1.7976931348623157e308", "5e-324",
        "\t\r\n 42 \n", "[[[[[[[[[[]]]]]]]]]]",
    ])
    func validTextsAgreeWithJSONDecoder(_ text: String) throws {
        let parsed = try JSONValue.parse(text)
        let reference = try #require(Self.reference(Data(text.utf8)))
        #expect(parsed == reference)
        if case .number(let n) = parsed, case .number(let r) = reference {
            #expect(n.sign == r.sign && n.bitPattern == r.bitPattern, "\(text): \(n) vs \(r)")
        }
    }

    @Test(arguments: [
        "", " ", "{", "}", "[,1]", "[1,,2]", #"{,}"#, #"{"a" 1}"#, "{a:1}", #"{"a":}"#, "[1 2]",
        "01", "-01", "1.", ".5", "+1", "-", "1e", "1e+", "0x10", "NaN", "Infinity", "1e400", "-1e400",
        "tru", "nul", "falsey", "True", #""abc"#, #""\q""#, #""\u12""#, #""\u12G4""#,
        "\"a\u{01}b\"", "\"a\nb\"", "\"a\tb\"", #""\ud800""#, #""\udc00""#, #""\ud800\u0041""#,
        "1 2", "{} x", "[] []", "/* c */ 1", "'a'",
    ])
    func invalidTextsAreRefusedLikeJSONDecoderRefusesThem(_ text: String) {
        #expect(Self.reference(Data(text.utf8)) == nil, "JSONDecoder accepts \(text.debugDescription)")
        #expect(throws: JSONParseError.self, "\(text.debugDescription) was accepted") { try JSONValue.parse(text) }
    }

    /// Where JSONDecoder is lenient or unusual, the parser does what RFC 8259, serde_json (the
    /// original harness), Python and JavaScript do.
    @Test func deliberateDifferencesFromJSONDecoder() throws {
        for text in ["[1,]", #"{"a":1,}"#] {
            #expect(Self.reference(Data(text.utf8)) != nil)
            #expect(throws: JSONParseError.self, "a trailing comma is not JSON") { try JSONValue.parse(text) }
        }
        #expect(Self.reference(Data(#"{"k":1,"k":2}"#.utf8)) == ["k": 1])
        #expect(try JSONValue.parse(#"{"k":1,"k":2}"#) == ["k": 2], "a repeated key keeps its last value")
        #expect(Self.reference(Data("1e-400".utf8)) == nil)
        #expect(try JSONValue.parse("1e-400") == 0, "an underflowing number reads as zero, as strtod reads it")
    }

    @Test func invalidUTF8InAStringIsRefused() {
        for bytes: [UInt8] in [[0x22, 0xFF, 0x22], [0x22, 0xC3, 0x22], [0x22, 0xED, 0xA0, 0x80, 0x22], [0x22, 0x5C, 0x6E, 0xFE, 0x22]] {
            #expect(Self.reference(Data(bytes)) == nil)
            #expect(throws: JSONParseError.self) { try JSONValue.parse(Data(bytes)) }
        }
    }

    @Test func errorsNameTheLineAndColumnOfTheFirstBadByte() {
        let text = "{\n  \"a\": 1,\n  \"b\" 2\n}"
        #expect(throws: JSONParseError(offset: 18, line: 3, column: 7, reason: #"expected ':' after the member name "b", found '2'"#)) {
            try JSONValue.parse(text)
        }
        #expect(throws: JSONParseError(offset: 4, line: 1, column: 5, reason: "unexpected end of input, expected a value")) {
            try JSONValue.parse("[1, ")
        }
        let error = #expect(throws: JSONParseError.self) { try JSONValue.parse("[1, 2] 3") }
        #expect(error?.description == "invalid JSON at line 1, column 8: unexpected '3' after the document")
    }

    @Test func nestingIsBoundedSoHostileInputCannotExhaustTheStack() throws {
        let fine = String(repeating: "[", count: JSONParser.maxDepth) + String(repeating: "]", count: JSONParser.maxDepth)
        #expect(throws: Never.self) { try JSONValue.parse(fine) }
        let deep = String(repeating: "[", count: 100_000) + String(repeating: "]", count: 100_000)
        let error = #expect(throws: JSONParseError.self) { try JSONValue.parse(deep) }
        #expect(error?.reason == "nesting deeper than \(JSONParser.maxDepth) levels")
        #expect(error?.offset == JSONParser.maxDepth)
    }

    @Test func aByteOrderMarkIsSkipped() throws {
        #expect(try JSONValue.parse(Data([0xEF, 0xBB, 0xBF] + Array(#"{"a":1}"#.utf8))) == ["a": 1])
    }

    // MARK: - Random documents

    static func randomValue(depth: Int, random: inout SplitMix64) -> JSONValue {
        let kind = depth >= 4 ? random.next(below: 4) : random.next(below: 6)
        switch kind {
        case 0: return .null
        case 1: return .bool(random.next(below: 2) == 0)
        case 2: return .number(randomNumber(&random))
        case 3: return .string(randomString(&random))
        case 4: return .array((0..<random.next(below: 5)).map { _ in randomValue(depth: depth + 1, random: &random) })
        default:
            var members: [String: JSONValue] = [:]
            for _ in 0..<random.next(below: 5) { members[randomString(&random)] = randomValue(depth: depth + 1, random: &random) }
            return .object(members)
        }
    }

    static func randomNumber(_ random: inout SplitMix64) -> Double {
        switch random.next(below: 5) {
        case 0: return Double(Int(random.next(below: 2_000_001)) - 1_000_000)
        case 1: return Double(Int64(bitPattern: random.next()) >> Int64(random.next(below: 64)))
        case 2: return Double(random.next(below: 1_000_000)) / 1000
        case 3:
            let value = Double(bitPattern: random.next())
            return value.isFinite ? value : 0.5
        default: return [0, -1, 0.1, 1e-7, 1e21, 2.5e-300, 9_007_199_254_740_993].randomElementStable(&random)
        }
    }

    static func randomString(_ random: inout SplitMix64) -> String {
        let alphabet: [Unicode.Scalar] = ["a", "Z", "0", " ", "\"", "\\", "/", "\n", "\t", "\u{0}", "\u{1F}", "\u{7F}", "é", "日", "😀", "\u{FFFF}", "\u{2028}"]
        var text = String.UnicodeScalarView()
        for _ in 0..<random.next(below: 12) { text.append(alphabet.randomElementStable(&random)) }
        return String(text)
    }
}

extension Array {
    func randomElementStable(_ random: inout SplitMix64) -> Element {
        self[random.next(below: count)]
    }
}
