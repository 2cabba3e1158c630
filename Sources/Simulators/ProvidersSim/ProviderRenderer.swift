import Foundation
import GreenticTestKit

/// providers-sim's renderer: RenderReports for every scenario of every pack under a root,
/// sorted by (pack id, scenario id), exactly as the original computed them.
package enum ProviderRenderer {
    /// Reports of all packs under `root` (the manifests `PackCatalog` finds, in folder order).
    public static func reports(packsRoot root: URL) throws -> [RenderReport] {
        let manifests = try PackCatalog.manifestURLs(root: root)
        guard !manifests.isEmpty else { throw RenderError.noPacks(root.path) }
        let all = try manifests.flatMap(reports(manifest:))
        return all.enumerated().sorted { a, b in
            (a.element.packID, a.element.scenarioID, a.offset) < (b.element.packID, b.element.scenarioID, b.offset)
        }.map(\.element)
    }

    /// Reports of one pack, in manifest order.
    public static func reports(manifest url: URL) throws -> [RenderReport] {
        let manifest = try load(url)
        guard let id = manifest["id"]?.stringValue, manifest["name"]?.stringValue != nil,
              manifest["description"]?.stringValue != nil, let scenarios = manifest["scenarios"]?.arrayValue else {
            throw RenderError.invalid("manifest \(url.path) needs string id, name, description and a scenarios array")
        }
        guard !scenarios.isEmpty else { throw RenderError.invalid("manifest \(url.path) must define at least one scenario") }
        let dir = url.deletingLastPathComponent()
        return try scenarios.map { scenario in
            guard let sid = scenario["id"]?.stringValue, let entry = scenario["entry"]?.stringValue,
                  let goldenPath = scenario["golden"]?.stringValue else {
                throw RenderError.invalid("manifest \(url.path): every scenario needs string id, entry and golden")
            }
            let entryURL = dir.appendingPathComponent(entry)
            let steps = try load(entryURL)
            let found = steps["scenario"]?.stringValue ?? ""
            guard found == sid else { throw RenderError.invalid("\(entryURL.path) scenario mismatch (expected \(sid), found \(found))") }
            guard let list = steps["steps"]?.arrayValue, !list.isEmpty else {
                throw RenderError.invalid("\(entryURL.path) missing steps array")
            }
            let goldenURL = dir.appendingPathComponent(goldenPath)
            let golden = try load(goldenURL)
            let goldenID = golden["scenario_id"]?.stringValue ?? ""
            guard goldenID == sid else { throw RenderError.invalid("\(goldenURL.path) scenario_id mismatch (expected \(sid), found \(goldenID))") }
            guard let transcript = golden["transcript"]?.arrayValue?.map({ $0.stringValue }), !transcript.contains(nil) else {
                throw RenderError.invalid("\(goldenURL.path) transcript must be an array of strings")
            }
            return RenderReport(packID: id, scenarioID: sid, transcript: transcript.compactMap { $0 })
        }
    }

    /// Differences between computed reports and a golden document, one line each.
    public static func drift(_ reports: [RenderReport], golden: JSONValue) throws -> [String] {
        guard let items = golden.arrayValue else { throw RenderError.invalidGolden("expected a JSON array") }
        let expected = try items.map(RenderReport.init(json:))
        let key = { (r: RenderReport) in "\(r.packID)/\(r.scenarioID)" }
        var lines: [String] = []
        let expectedByKey = Dictionary(expected.map { (key($0), $0) }, uniquingKeysWith: { a, _ in a })
        let actualByKey = Dictionary(reports.map { (key($0), $0) }, uniquingKeysWith: { a, _ in a })
        for k in Set(expectedByKey.keys).union(actualByKey.keys).sorted() {
            switch (expectedByKey[k], actualByKey[k]) {
            case (let e?, let a?) where e != a:
                let diff = JSONDiff.differences(expected: e.orderedJSON.value, actual: a.orderedJSON.value).map(\.description)
                lines.append("\(k): " + diff.joined(separator: "; "))
            case (_?, nil): lines.append("\(k): in the golden, not rendered")
            case (nil, _?): lines.append("\(k): rendered, not in the golden")
            default: break
            }
        }
        if lines.isEmpty && expected != reports { lines.append("order differs from the golden (expected sorted by pack_id, scenario_id)") }
        return lines
    }

    static func load(_ url: URL) throws -> JSONValue {
        guard let data = FileManager.default.contents(atPath: url.path) else { throw RenderError.unreadable(url.path) }
        do { return try JSONValue.parse(data) } catch { throw RenderError.invalid("failed to parse \(url.path): invalid JSON") }
    }
}
