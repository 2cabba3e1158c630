import Simulators
import Testing

@Suite("Runner simulator topic prefix")
struct TopicPrefixTests {
    @Test func normalizedEndsInOneDotAndEmptyStaysEmpty() throws {
        #expect(try TopicPrefix.normalized("") == "")
        #expect(try TopicPrefix.normalized("ci") == "ci.")
        #expect(try TopicPrefix.normalized("ci.") == "ci.")
        #expect(try TopicPrefix.normalized("e2e-1a2b3c.shard_2") == "e2e-1a2b3c.shard_2.")
    }

    @Test(arguments: ["a..b", ".", "..", "a.*", "*", ">", "a.>.", "has space", "a.\tb", ".a"])
    func refusesWhatIsNotASubjectPrefix(_ raw: String) {
        #expect(throws: TopicPrefix.Invalid.self) { try TopicPrefix.normalized(raw) }
    }
}
