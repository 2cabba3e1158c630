import Foundation
import GreenticHTTP
import GreenticTestKit
import Simulators
import Testing

/// The runner simulator's fault knobs body and dead-letter record, without a process.
@Suite("Runner simulator: fault knobs and dead letters")
struct RunnerSimHTTPTests {
    @Test func aWholeBodyIsParsed() throws {
        let knobs = try FaultKnobs(json: ["fail": ["a": 2, "b": 0], "latency_ms": 150, "drop_nats": true])
        #expect(knobs == FaultKnobs(failures: ["a": 2, "b": 0], latency: .some(.milliseconds(150)), dropNATS: true))
        #expect(try FaultKnobs(json: [:]) == FaultKnobs(), "every member is optional; nothing changes")
        #expect(try FaultKnobs(json: ["latency_ms": 0]).latency == .some(nil), "0 removes the delay")
        #expect(try FaultKnobs(json: ["latency_ms": .null]).latency == .some(nil), "null removes the delay")
        #expect(try FaultKnobs(json: ["drop_nats": false]).dropNATS == false)
    }

    @Test(arguments: [
        (JSONValue.array([]), "expected {"),
        (["fail": ["a": -1]], "fail.a must be a count"),
        (["fail": ["a": 1.5]], "fail.a must be a count"),
        (["fail": [1, 2]], "fail must be an object"),
        (["latency_ms": "slow"], "latency_ms must be 0 or more"),
        (["latency_ms": -5], "latency_ms must be 0 or more"),
        (["drop_nats": "yes"], "drop_nats must be true or false"),
        (["fail": ["a": 1], "dropnats": true], "unknown member 'dropnats'"),
    ] as [(JSONValue, String)])
    func aBadMemberIsA400NamingIt(body: JSONValue, names: String) {
        do {
            _ = try FaultKnobs(json: body)
            Issue.record("accepted \(body)")
        } catch {
            #expect(error.status == .badRequest && error.code == "invalid_faults")
            #expect(error.message.contains(names), "\(error.message)")
        }
    }

    @Test func aBodyThatIsNotJSONIsRefused() {
        #expect(throws: APIError.self) { try FaultKnobs(json: nil) }
    }

    @Test func theDeadLetterRecordKeepsTheEnvelopeAndTheLastError() {
        let envelope: JSONValue = ["id": "m-1", "text": "hi"]
        let letter = DeadLetter(tenant: "acme corp", stage: "ingress", platform: "webchat", envelope: envelope, attempts: 3, lastError: "boom")
        #expect(letter.subject == "dlq.acme-corp.ingress", "the tenant is one subject token")
        #expect(DeadLetter(tenant: "a.b", stage: "events", platform: "", envelope: [:], attempts: 1, lastError: "").subject == "dlq.a-b.events")
        let record = letter.record(at: Date(timeIntervalSince1970: 1.5))
        #expect(record["ts"] == 1500 && record["retries"] == 3 && record["msg_id"] == "m-1" && record["platform"] == "webchat")
        #expect(record["error"] == ["code": "component_failed", "message": "boom", "stage": "ingress"])
        #expect(record["envelope"] == envelope && record["tenant"] == "acme corp")
    }
}
