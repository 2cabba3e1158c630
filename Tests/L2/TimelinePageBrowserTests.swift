import Foundation
import GreenticTestKit
import GreenticTestKitTesting
import ScenarioDSL
import TestSupport
import Testing

@Suite("timeline.html in a real browser", .tags(.infra, .scenario))
struct TimelinePageBrowserTests {
    /// A scenario fails inside an inner environment (a service logs, messages flow, the
    /// expectation is not met); the page it leaves is opened in headless Chromium, which must
    /// show the failure at the top, the failing event highlighted, a lane per source, and an
    /// event's data on click.
    @Test(.requires(infra: [.nats]), .requires(executables: ["chromium"]), .testEnv(infra: [.nats]))
    func theFailurePageShowsLanesAndTheFailingExpectation() async throws {
        let env = try TestEnv.required()
        var options = TestEnvOptions()
        options.artifactsBase = env.directory.artifacts
        options.infraSelection = .native
        var innerRoot: URL?
        do {
            try await TestEnv.with(name: "failing-scenario", infra: [.nats], options: options) { inner in
                let p = inner.subjectPrefix
                try await inner.start(ServiceSpec(name: "worker", executable: "/bin/sh",
                                                  arguments: ["-c", "echo 'worker: received order o-1'; exec sleep 30"],
                                                  readiness: .logLine("received order")))
                try await inner.run(Scenario("order flow") {
                    Publish(subject: "\(p).orders.place", json: ["id": "o-1"])
                    Expect(subject: "\(p).orders.confirmed", within: .milliseconds(300))
                })
            }
            Issue.record("the inner scenario passed")
        } catch let error as TestEnvError {
            guard case .failed(_, _, let artifacts, _) = error else { throw error }
            innerRoot = URL(fileURLWithPath: artifacts)
        }
        let page = try #require(innerRoot).appendingPathComponent("timeline.html")
        #expect(FileManager.default.fileExists(atPath: page.path), "a failing test writes timeline.html")

        let screenshot = env.directory.artifacts.appendingPathComponent("timeline-page.png")
        try await WebChatBrowserTests.withBrowser(env, screenshot: screenshot) { browser in
            try await browser.navigate(page.absoluteString)
            try await browser.waitUntil("document.querySelectorAll('.lane').length > 0", what: "the lanes to be drawn")
            let labels = try await browser.evaluate("[...document.querySelectorAll('.lane-label')].map(l => l.textContent)")
            let names = labels.arrayValue?.compactMap(\.stringValue) ?? []
            #expect(names.contains("steps: order flow"), "\(names)")
            #expect(names.contains("service: worker") && names.contains("service: nats"), "\(names)")
            #expect(names.contains { $0.hasPrefix("nats: ") && $0.hasSuffix(".orders.place") }, "\(names)")
            let failure = try await browser.evaluate("document.getElementById('failure').textContent")
            #expect(failure.stringValue?.contains("step 2 (expect) failed: expected exactly 1 message(s) on ") == true, "\(failure)")
            #expect(try await browser.evaluate("document.querySelectorAll('.lane[data-group=steps] .event.failed').length") == 1)
            // The failing event is selected at load; another event's data shows on click.
            #expect(try await browser.evaluate("document.getElementById('detail').textContent").stringValue?.contains("\"expectation\"") == true)
            // Events a millisecond apart overlap on the axis, so the log line's marker is clicked
            // through the DOM rather than at its coordinates.
            _ = try await browser.evaluate("""
                [...document.querySelectorAll(".lane[data-lane='service:worker'] .event")]
                  .find(m => m.title.includes(' log')).click()
                """)
            try await browser.waitUntil("document.getElementById('detail').textContent.includes('received order o-1')", what: "the log line's data")
        }
        let png = try Data(contentsOf: screenshot)
        #expect(png.starts(with: [0x89, 0x50, 0x4E, 0x47]) && png.count > 5_000)
        let kept = try env.keep(screenshot)
        print("timeline page screenshot: \(kept.path)")
    }
}
