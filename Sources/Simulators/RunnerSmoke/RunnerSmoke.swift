import Foundation
import GreenticTestKit

/// runner-smoke: checks recorded runner sessions (case files) for tenant isolation, session
/// continuity, state snapshots and once-only state writes, with the original's messages.
package enum RunnerSmoke {
    /// One case file: named runs of one session each.
    public struct Case: Sendable {
        public var name: String
        public var path: String
        public var runs: [Run]
    }

    /// One session's events and final state snapshot.
    public struct Run: Sendable {
        public var tenantID: String
        public var sessionID: String
        public var events: [Event]
        public var snapshot: (writer: String, bytesWritten: UInt64)?
    }

    /// One runner event.
    public struct Event: Sendable {
        public var sequence: UInt64
        public var kind: String
        public var tenantID: String
        public var traceID: String
    }

    /// What a successful run verified.
    public struct Report: Sendable, Equatable {
        public var cases: Int
        public var sessions: Int

        public var summary: String {
            "runner-smoke: \(cases) case(s), \(sessions) session(s) verified (tenant isolation + session continuity + state writes)"
        }
    }

    /// Case files (`*.json`, one to three levels below `dir`, sorted by path).
    public static func caseFiles(in dir: URL) throws -> [URL] {
        var isDir: ObjCBool = false
        guard FileManager.default.fileExists(atPath: dir.path, isDirectory: &isDir), isDir.boolValue else {
            throw SmokeError.message("cases folder \(dir.path) does not exist")
        }
        var found: [URL] = []
        func walk(_ url: URL, depth: Int) {
            guard depth <= 3, let items = try? FileManager.default.contentsOfDirectory(atPath: url.path) else { return }
            for item in items {
                let child = url.appendingPathComponent(item)
                var d: ObjCBool = false
                _ = FileManager.default.fileExists(atPath: child.path, isDirectory: &d)
                if d.boolValue { walk(child, depth: depth + 1) } else if item.hasSuffix(".json") { found.append(child) }
            }
        }
        walk(dir, depth: 1)
        guard !found.isEmpty else { throw SmokeError.message("No runner smoke cases found under \(dir.path)") }
        return found.sorted { $0.path < $1.path }
    }

    public static func parse(_ url: URL) throws -> Case {
        guard let data = FileManager.default.contents(atPath: url.path), let json = try? JSONValue.parse(data),
              let name = json["name"]?.stringValue, let runs = json["runs"]?.arrayValue else {
            throw SmokeError.message("failed to parse \(url.path)")
        }
        func fail() -> SmokeError { .message("failed to parse \(url.path)") }
        return Case(name: name, path: url.path, runs: try runs.map { run in
            guard let tenant = run["tenant_id"]?.stringValue, let session = run["session_id"]?.stringValue,
                  let events = run["events"]?.arrayValue else { throw fail() }
            var snapshot: (String, UInt64)?
            if let s = run["state_snapshot"], s != .null {
                guard let writer = s["writer"]?.stringValue, let bytes = s["bytes_written"]?.doubleValue, bytes >= 0, bytes == bytes.rounded() else { throw fail() }
                snapshot = (writer, UInt64(bytes))
            }
            return Run(tenantID: tenant, sessionID: session, events: try events.map { e in
                guard let seq = e["sequence"]?.doubleValue, seq >= 0, seq == seq.rounded(), let kind = e["kind"]?.stringValue,
                      let t = e["tenant_id"]?.stringValue else { throw fail() }
                return Event(sequence: UInt64(seq), kind: kind, tenantID: t, traceID: e["trace_id"]?.stringValue ?? "")
            }, snapshot: snapshot.map { (writer: $0.0, bytesWritten: $0.1) })
        })
    }

    /// Verifies every case; the first broken invariant stops with the original's message.
    public static func verify(casesIn dir: URL) throws -> Report {
        let cases = try caseFiles(in: dir).map(parse)
        var sessions = 0
        for c in cases {
            do { sessions += try verify(c) } catch let SmokeError.message(cause) {
                throw SmokeError.invariant(caseName: c.name, cause: cause)
            }
        }
        return Report(cases: cases.count, sessions: sessions)
    }

    /// Checks one case; returns the number of sessions.
    public static func verify(_ c: Case) throws -> Int {
        guard !c.runs.isEmpty else { throw SmokeError.message("case '\(c.name)' contains no runs") }
        var traces = Set<String>()
        for run in c.runs {
            let sid = run.sessionID
            for e in run.events where e.tenantID != run.tenantID {
                throw SmokeError.message("session \(sid) leaked tenant boundary: event tenant \(e.tenantID) expected \(run.tenantID)")
            }
            guard !run.events.isEmpty else { throw SmokeError.message("session \(sid) has no events") }
            for (a, b) in zip(run.events, run.events.dropFirst()) where b.sequence != a.sequence + 1 {
                throw SmokeError.message("session \(sid) sequence gap: \(a.sequence) -> \(b.sequence)")
            }
            guard let snapshot = run.snapshot else { throw SmokeError.message("session \(sid) missing state snapshot") }
            guard snapshot.bytesWritten != 0 else { throw SmokeError.message("session \(sid) state snapshot was empty") }
            guard !snapshot.writer.trimmingCharacters(in: .whitespaces).isEmpty else {
                throw SmokeError.message("session \(sid) invalid state writer metadata (writer missing)")
            }
            let writes = run.events.filter { $0.kind == "state_write" }
            guard !writes.isEmpty else { throw SmokeError.message("session \(sid) never emitted a state_write event") }
            for w in writes {
                let trace = w.traceID.trimmingCharacters(in: .whitespaces)
                guard !trace.isEmpty else { throw SmokeError.message("session \(sid) missing trace_id for state_write event at sequence \(w.sequence)") }
                guard traces.insert(trace).inserted else {
                    throw SmokeError.message("trace_id \(trace) seen multiple times; effect log once-only invariant violated")
                }
            }
        }
        return c.runs.count
    }
}
