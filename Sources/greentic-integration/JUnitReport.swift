import ArgumentParser
import Foundation
import GreenticTestKit
import ScenarioDSL
import Synchronization

/// JUnit XML for scenario runs.
enum JUnitReport {
    static func write(_ results: [(name: String, file: String, duration: Duration, failure: String?)], to path: String) throws {
        func esc(_ s: String) -> String {
            s.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
                .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;")
        }
        func seconds(_ d: Duration) -> String { String(format: "%.3f", d.fractionalSeconds) }
        let failures = results.filter { $0.failure != nil }.count
        let total = results.reduce(Duration.zero) { $0 + $1.duration }
        var xml = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites>\n"
        xml += "  <testsuite name=\"scenarios\" tests=\"\(results.count)\" failures=\"\(failures)\" errors=\"0\" time=\"\(seconds(total))\">\n"
        for r in results {
            xml += "    <testcase classname=\"\(esc(r.file))\" name=\"\(esc(r.name))\" time=\"\(seconds(r.duration))\""
            if let f = r.failure {
                xml += ">\n      <failure message=\"\(esc(String(f.split(separator: "\n").first ?? "")))\">\(esc(f))</failure>\n    </testcase>\n"
            } else {
                xml += " />\n"
            }
        }
        xml += "  </testsuite>\n</testsuites>\n"
        let url = URL(fileURLWithPath: path)
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try Data(xml.utf8).write(to: url)
    }
}
