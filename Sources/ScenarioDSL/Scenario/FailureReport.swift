import Foundation
import GreenticTestKit

/// The evidence under a failed expectation: what arrived on the subject (and, when matchers
/// were given, the first field where each message differs), what arrived on similar subjects
/// (one token different, or within two edits), and whether the wiretap was full.
struct FailureReport {
    var pattern: SubjectPattern
    var matchers: [MessageMatcher]
    var seen: [Wiretap.Seen]
    var dropped: Int
    var listening: [String]

    static let shown = 5

    var text: String {
        var out = ""
        let onSubject = seen.filter { pattern.matches($0.message.subject) }
        if onSubject.isEmpty {
            out += "; nothing arrived on \(pattern)"
        } else {
            out += "; arrived on \(pattern) (\(onSubject.count)):"
            for entry in onSubject.prefix(Self.shown) {
                out += "\n  " + Self.summary(entry.message)
                if let difference = matchers.lazy.compactMap({ $0.mismatch(entry.message) }).first {
                    out += "\n    differs: \(difference)"
                }
            }
            if onSubject.count > Self.shown { out += "\n  …" }
        }
        var similar: [(subject: String, messages: [NATSMessage])] = []
        for entry in seen where pattern.isNearMiss(entry.message.subject) {
            if let i = similar.firstIndex(where: { $0.subject == entry.message.subject }) {
                similar[i].messages.append(entry.message)
            } else {
                similar.append((entry.message.subject, [entry.message]))
            }
        }
        if !similar.isEmpty {
            out += "\n; on similar subjects:"
            for group in similar.prefix(Self.shown) {
                out += "\n  \(group.subject) (\(group.messages.count), \(Self.difference(pattern, group.subject))): "
                    + Self.payload(group.messages[0])
            }
            if similar.count > Self.shown { out += "\n  …" }
        }
        if dropped > 0 {
            out += "\n; the wiretap was full and did not keep \(dropped) message(s) (raise E2E_WIRETAP_LIMIT)"
        }
        if onSubject.isEmpty && similar.isEmpty && !listening.isEmpty {
            out += " (the wiretap listened on \(listening.joined(separator: ", ")) and saw \(seen.count) message(s))"
        }
        return out
    }

    /// What differs between a pattern and a near-miss subject: the token, or the edit.
    static func difference(_ pattern: SubjectPattern, _ subject: String) -> String {
        let subjectTokens = subject.split(separator: ".", omittingEmptySubsequences: false)
        if let diff = pattern.differingTokens(subject), diff.count == 1, diff[0] < subjectTokens.count {
            return "token \(diff[0] + 1) is '\(subjectTokens[diff[0]])', not '\(pattern.tokens[diff[0]])'"
        }
        return "\(SubjectPattern.editDistance(pattern.text, subject, limit: 2)) character(s) apart"
    }

    static func summary(_ m: NATSMessage) -> String {
        "\(m.subject): " + payload(m)
    }

    static func payload(_ m: NATSMessage) -> String {
        let text = m.text
        return text.count > 160 ? String(text.prefix(157)) + "..." : text
    }
}
