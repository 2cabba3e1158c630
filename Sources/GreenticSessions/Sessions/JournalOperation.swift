import Foundation
import GreenticTestKit
import NIOCore
import NIOPosix

/// One journal operation and its effect on the in-memory map.
enum JournalOperation: Sendable {
    case put(SessionRecord)
    case delete(SessionKey)
    case purge(SessionFilter)

    /// Applies to `map`, recording each replaced value in `undo`; returns the journal line to
    /// append (nil when nothing changed).
    func apply(to map: inout [SessionKey: SessionRecord], undo: inout [(SessionKey, SessionRecord?)]) -> (String?, JournalResult) {
        switch self {
        case .put(let r):
            let key = SessionKey(r)
            undo.append((key, map.updateValue(r, forKey: key)))
            return (JSONWriter.compact(.object([("op", .string("put")), ("record", r.storedJSON)])), .record(r))
        case .delete(let k):
            guard let old = map.removeValue(forKey: k) else { return (nil, .count(0)) }
            undo.append((k, old))
            return (JournalFile.deleteLine([k]), .count(1))
        case .purge(let filter):
            let doomed = map.values.filter(filter.matches).map(SessionKey.init).sorted { ($0.tenant, $0.key) < ($1.tenant, $1.key) }
            for key in doomed { undo.append((key, map.removeValue(forKey: key))) }
            return (doomed.isEmpty ? nil : JournalFile.deleteLine(doomed), .count(doomed.count))
        }
    }
}
