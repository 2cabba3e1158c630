import Foundation
import GreenticTestKit
import Synchronization
import Testing

/// Attaches the timeline, its page (`timeline.html`) and service log tails of a failed test.
enum FailureEvidence {
    static func attach(_ env: TestEnv) {
        if let timeline = FileManager.default.contents(atPath: env.timeline.url.path) {
            Attachment.record([UInt8](timeline), named: "timeline.jsonl")
        }
        let page = env.directory.root.appendingPathComponent("timeline.html")
        if let html = FileManager.default.contents(atPath: page.path) {
            Attachment.record([UInt8](html), named: "timeline.html")
        }
        Attachment.record(env.evidence(lines: 30), named: "evidence.txt")
        FileHandle.standardError.write(Data("artifacts of \(env.name): \(env.directory.root.path)\n".utf8))
    }
}
