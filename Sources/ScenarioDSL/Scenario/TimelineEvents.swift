import Foundation
import GreenticTestKit

/// The timeline data of the events a scenario records on every step, written straight into the
/// timeline's buffer by its writer thread (keys in byte order, as `JSONWriter` writes objects).
/// Building `JSONValue`s for these, then sorting and encoding them, was most of what recording
/// a step cost.
package enum TimelineEvents {
    /// A step's `started` or `passed`: `{"event":…,"index":…,"kind":…}`.
    package static func writeStep(_ event: StaticString, index: Int, kind: String, into out: inout [UInt8]) {
        out.append(literal: #"{"event":""#)
        out.append(literal: event)
        out.append(literal: #"","index":"#)
        JSONWriter.writeNumber(Double(index), into: &out)
        out.append(literal: #","kind":"#)
        JSONWriter.writeString(kind, into: &out)
        out.append(UInt8(ascii: "}"))
    }

    /// A message: `{"arrival","headers"?,"payload","reply_to"?,"subject"}`, the payload through
    /// `EvidencePolicy.writeBody`.
    package static func writeMessage(_ message: NATSMessage, evidence: EvidencePolicy, into out: inout [UInt8]) {
        out.append(literal: #"{"arrival":"#)
        JSONWriter.writeNumber(Double(message.arrival), into: &out)
        if let headers = message.headers {
            out.append(literal: #","headers":"#)
            JSONWriter.write(evidence.headers(headers.entries.map { ($0.name, $0.value) }), into: &out)
        }
        out.append(literal: #","payload":"#)
        evidence.writeBody(message.payload, into: &out)
        if let reply = message.replyTo {
            out.append(literal: #","reply_to":"#)
            JSONWriter.writeString(reply, into: &out)
        }
        out.append(literal: #","subject":"#)
        JSONWriter.writeString(message.subject, into: &out)
        out.append(UInt8(ascii: "}"))
    }

    /// A request step: `{"error"?,"event":"request","payload","reply"?,"subject"}`.
    package static func writeRequest(subject: String, payload: Data, reply: NATSMessage?, error: String?,
                                     evidence: EvidencePolicy, into out: inout [UInt8]) {
        if let error {
            out.append(literal: #"{"error":"#)
            JSONWriter.writeString(error, into: &out)
            out.append(literal: #","event":"request","payload":"#)
        } else {
            out.append(literal: #"{"event":"request","payload":"#)
        }
        evidence.writeBody(payload, into: &out)
        if let reply {
            out.append(literal: #","reply":"#)
            writeMessage(reply, evidence: evidence, into: &out)
        }
        out.append(literal: #","subject":"#)
        JSONWriter.writeString(subject, into: &out)
        out.append(UInt8(ascii: "}"))
    }
}
