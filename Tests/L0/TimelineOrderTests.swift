import Foundation
@testable import GreenticTestKit
import Testing

@Suite("Service lines and other events share one order")
struct TimelineOrderTests {
    /// A line written to a service's pipe just before another event is appended is always in
    /// the file before that event, although the pipe's reader thread has usually not run yet:
    /// the timeline reads the pipe's backlog before it stamps the event.
    @Test func aLineWrittenBeforeAnEventIsBeforeIt() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("timeline-order-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let timeline = try Timeline(url: folder.appendingPathComponent("timeline.jsonl"))
        var fds: [Int32] = [-1, -1]
        #expect(pipe(&fds) == 0)
        let output = try ServiceOutput(readFD: fds[0], logURL: folder.appendingPathComponent("svc.log"), timeline: timeline, source: "svc")
        let rounds = 300
        for i in 0..<rounds {
            let line = Array("line \(i)\n".utf8)
            #expect(line.withUnsafeBytes { write(fds[1], $0.baseAddress, $0.count) } == line.count)
            timeline.append(kind: "step", source: "steps", data: ["n": .number(Double(i))])
        }
        close(fds[1])
        await output.finish()
        timeline.close()
        let lines = try String(contentsOf: timeline.url, encoding: .utf8).split(separator: "\n")
            .map { try JSONValue.parse(Data($0.utf8)) }
        #expect(lines.count == 2 * rounds)
        for i in 0..<rounds where lines.count == 2 * rounds {
            #expect(lines[2 * i]["data"]?["line"]?.stringValue == "line \(i)", "line \(i) is before step \(i)")
            #expect(lines[2 * i + 1]["data"]?["n"]?.doubleValue == Double(i))
        }
        let stamps = lines.compactMap { $0["t_ms"]?.doubleValue }
        #expect(zip(stamps, stamps.dropFirst()).allSatisfy { $0 <= $1 })
        #expect(try String(contentsOf: folder.appendingPathComponent("svc.log"), encoding: .utf8).hasPrefix("line 0\nline 1\n"))
    }
}
