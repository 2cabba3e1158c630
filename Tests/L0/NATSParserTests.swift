import Foundation
import ScenarioDSL
import Testing

@Suite("NATS protocol parser")
struct NATSParserTests {
    func parseAll(_ chunks: [String]) throws -> [NATSServerOp] {
        var parser = NATSParser()
        var ops: [NATSServerOp] = []
        for chunk in chunks {
            parser.append(Array(chunk.utf8))
            while let op = try parser.next() { ops.append(op) }
        }
        return ops
    }

    @Test func parsesControlOperations() throws {
        let ops = try parseAll(["INFO {\"max_payload\":1024}\r\nPING\r\nPONG\r\n+OK\r\n-ERR 'Authorization Violation'\r\n"])
        #expect(ops == [.info("{\"max_payload\":1024}"), .ping, .pong, .ok, .err("Authorization Violation")])
    }

    @Test func parsesMessagesSplitAcrossReads() throws {
        let ops = try parseAll(["MSG a.b 7 5\r\nhel", "lo\r", "\nMSG c 8 reply.1 0\r\n\r\n"])
        #expect(ops == [
            .msg(NATSMessage(subject: "a.b", sid: 7, payload: Data("hello".utf8))),
            .msg(NATSMessage(subject: "c", sid: 8, replyTo: "reply.1", payload: Data())),
        ])
    }

    @Test func parsesHeaderMessagesAndStatus() throws {
        let headers = "NATS/1.0\r\nGreentic-Tenant: acme\r\nX: 1\r\nX: 2\r\n\r\n"
        let status = "NATS/1.0 503\r\n\r\n"
        let ops = try parseAll([
            "HMSG s 1 \(headers.utf8.count) \(headers.utf8.count + 2)\r\n\(headers)hi\r\n",
            "HMSG _INBOX.x.y 2 \(status.utf8.count) \(status.utf8.count)\r\n\(status)\r\n",
        ])
        guard case .msg(let m) = ops[0], case .msg(let s) = ops[1] else {
            Issue.record("expected two messages, got \(ops)")
            return
        }
        #expect(m.headers?["greentic-tenant"] == "acme")
        #expect(m.headers?.values("X") == ["1", "2"])
        #expect(m.text == "hi")
        #expect(s.status == 503)
        #expect(s.payload.isEmpty)
    }

    @Test func rejectsGarbage() {
        #expect(throws: NATSError.self) { try parseAll(["BOGUS thing\r\n"]) }
        #expect(throws: NATSError.self) { try parseAll(["MSG only-subject\r\n"]) }
    }

    @Test func headersRoundTrip() throws {
        let headers: NATSHeaders = ["Greentic-Correlation-Id": "c-1", "Greentic-Tenant": "acme"]
        let parsed = try NATSHeaders.parse(headers.encoded)
        #expect(parsed == headers)
    }
}
