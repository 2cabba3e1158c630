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

    /// A service's first line, written before anything else it does, is before an event the
    /// test appends once the service has moved on: its output is in the timeline's order from
    /// before the process exists, not from whenever the launching thread gets the CPU back.
    @Test func aServicesFirstLineIsBeforeWhatFollowsIt() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("timeline-launch-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let timeline = try Timeline(url: folder.appendingPathComponent("timeline.jsonl"))
        let rounds = 20
        for i in 0..<rounds {
            let fifo = folder.appendingPathComponent("go-\(i)").path
            #expect(mkfifo(fifo, 0o600) == 0)
            // Opening the FIFO for reading returns once the service opened it for writing,
            // which it does only after printing its line.
            let marked = Thread.runDetached {
                let fd = open(fifo, O_RDONLY)
                timeline.append(kind: "step", source: "test", data: ["n": .number(Double(i))])
                if fd >= 0 { close(fd) }
            }
            let spec = ServiceSpec(name: "svc", executable: "/bin/sh", arguments: ["-c", "echo \"first \(i)\"; : > \(fifo); exec sleep 30"])
            let service = try await ServiceLauncher.launch(spec, name: "svc", environment: [:],
                                                           logURL: folder.appendingPathComponent("svc.log"), reaper: nil, timeline: timeline)
            await marked.value
            _ = await service.stop(grace: .milliseconds(100))
            await service.output.finish()
        }
        timeline.close()
        let events = try String(contentsOf: timeline.url, encoding: .utf8).split(separator: "\n")
            .map { try JSONValue.parse(Data($0.utf8)) }
        for i in 0..<rounds {
            let line = events.firstIndex { $0["data"]?["line"]?.stringValue == "first \(i)" }
            let step = events.firstIndex { $0["kind"] == "step" && $0["data"]?["n"]?.doubleValue == Double(i) }
            #expect(line != nil && step != nil && line! < step!, "round \(i): line at \(String(describing: line)), event at \(String(describing: step))")
        }
    }
}

extension Thread {
    /// Runs `body` on a new thread (it may block), finishing the task when it returns.
    fileprivate static func runDetached(_ body: @escaping @Sendable () -> Void) -> Task<Void, Never> {
        let done = AsyncStream<Void>.makeStream()
        Thread.detachNewThread {
            body()
            done.continuation.finish()
        }
        return Task { for await _ in done.stream {} }
    }
}
