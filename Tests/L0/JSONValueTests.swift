import Foundation
import GreenticTestKit
import Testing

@Suite("JSON values, writer and diff")
struct JSONValueTests {
    @Test func parsesAndWritesSortedCompactAndPretty() throws {
        let value = try JSONValue.parse(#"{"b":[1,2.5,true,null],"a":{"z":"q\"\n","y":{}},"c":[]}"#)
        #expect(JSONWriter.compact(value) == #"{"a":{"y":{},"z":"q\"\n"},"b":[1,2.5,true,null],"c":[]}"#)
        #expect(JSONWriter.pretty(value) == """
        {
          "a": {
            "y": {},
            "z": "q\\"\\n"
          },
          "b": [
            1,
            2.5,
            true,
            null
          ],
          "c": []
        }
        """)
    }

    @Test func booleansAreNotNumbers() throws {
        let value = try JSONValue.parse("[true, 1, 0, false]")
        #expect(value == [true, 1, 0, false])
    }

    @Test func dottedPaths() throws {
        let value = try JSONValue.parse(#"{"payload":{"repo":"svc","items":[{"id":"a"},{"id":"b"}]}}"#)
        #expect(value.value(atPath: "payload.repo") == "svc")
        #expect(value.value(atPath: "payload.items.1.id") == "b")
        #expect(value.value(atPath: "payload.missing") == nil)
    }

    @Test func structuralDiffLocatesEveryDifference() throws {
        let expected = try JSONValue.parse(#"{"a":1,"b":{"c":[1,2,3]},"d":"x"}"#)
        let actual = try JSONValue.parse(#"{"a":2,"b":{"c":[1,2]},"e":true}"#)
        let diffs = JSONDiff.differences(expected: expected, actual: actual)
        #expect(diffs.map(\.description) == [
            "$.a: expected 1, got 2",
            "$.b.c[2]: missing (expected 3)",
            "$.d: missing (expected \"x\")",
            "$.e: unexpected true",
        ])
        #expect(JSONDiff.differences(expected: expected, actual: expected).isEmpty)
    }
}
