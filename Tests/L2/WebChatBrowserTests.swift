import Foundation
import GreenticTestKit
import GreenticTestKitTesting
import ScenarioDSL
import Simulators
import TestSupport
import Testing

@Suite("WebChat page in a real browser, answered by the runner", .tags(.infra, .server))
struct WebChatBrowserTests {
    @Test(.requires(infra: [.nats, .redis]), .requires(executables: ["chromium"]), .testEnv(infra: [.nats, .redis]))
    func menuButtonAndTypedMessageGetTheRunnersReplies() async throws {
        let env = try TestEnv.required()
        let stack = try await env.startStack(packsRoot: Paths.packageRoot.appendingPathComponent("Packs"))
        let nats = try await NATSClient.connect(url: try env.natsURL())
        let rebuilds = try await nats.subscribe(stack.topic("greentic.repo.build.request"))
        try await nats.flush()
        let screenshot = env.directory.artifacts.appendingPathComponent("webchat.png")
        try await Self.withBrowser(env, screenshot: screenshot) { browser in
            try await browser.navigate(stack.fixtureServerURL + "/webchat/?tenant=acme&user=browser-user")
            try await browser.waitUntil("document.getElementById('status').textContent.startsWith('Connected to conv-')", what: "the page to connect")

            try await browser.click("#menu button[data-choice='status of web-app']")
            try await browser.waitUntil(#"[...document.querySelectorAll('#transcript li.bot')].some(li => li.textContent === 'Bot: web-app: no failing builds known to the assistant.')"#,
                                        what: "the bot's answer to the menu button")
            #expect(try await browser.evaluate("document.getElementById('last-choice').textContent") == "status of web-app")

            try await browser.type("#chat-input", "please rebuild ledger-api")
            try await browser.click("#chat-send")
            try await browser.waitUntil(#"[...document.querySelectorAll('#transcript li.bot')].some(li => li.textContent === 'Bot: Rebuild of ledger-api requested.')"#,
                                        what: "the bot's answer to the typed message")
            let transcript = try await browser.evaluate("[...document.querySelectorAll('#transcript li')].map(li => li.textContent)")
            #expect(transcript == ["You: status of web-app", "Bot: web-app: no failing builds known to the assistant.",
                                   "You: please rebuild ledger-api", "Bot: Rebuild of ledger-api requested."])
            #expect(try await browser.evaluate("document.getElementById('error').textContent") == "")
            #expect(try await browser.evaluate("document.getElementById('chat-input').value") == "", "the box is cleared after sending")
        }
        // The typed message reached the product: the runner published the rebuild request.
        let event = try #require(await rebuilds.next(timeout: .seconds(5)))
        #expect(try JSONValue.parse(event.payload).value(atPath: "payload.repo") == "ledger-api")
        #expect(event.headers?["Greentic-Tenant"] == "acme")
        let png = try Data(contentsOf: screenshot)
        #expect(png.starts(with: [0x89, 0x50, 0x4E, 0x47]) && png.count > 5_000)
        let kept = try env.keep(screenshot)
        #expect(FileManager.default.fileExists(atPath: kept.path))
        print("webchat screenshot: \(kept.path)")
        await nats.close()
    }

    @Test(.requires(infra: [.nats, .redis]), .requires(executables: ["chromium"]), .testEnv(infra: [.nats, .redis]))
    func adaptiveCardButtonsAnswerAWaitingFlow() async throws {
        let env = try TestEnv.required()
        let stack = try await env.startStack(packsRoot: Paths.packageRoot.appendingPathComponent("Packs"),
                                             serverEnvironment: ["GREENTIC_WEBCHAT__FLOW": "helpdesk_ticket", "GREENTIC_WEBCHAT__MENU": "cannot print"])
        let screenshot = env.directory.artifacts.appendingPathComponent("webchat-card.png")
        try await Self.withBrowser(env, screenshot: screenshot) { browser in
            try await browser.navigate(stack.fixtureServerURL + "/webchat/?tenant=acme&user=card-user")
            try await browser.waitUntil("document.getElementById('status').textContent.startsWith('Connected to conv-')", what: "the page to connect")
            try await browser.click("#menu button[data-choice='cannot print']")
            // The flow waits for the user: its question arrives as an Adaptive Card with buttons.
            try await browser.waitUntil("document.querySelectorAll('#transcript li.bot .card .card-action').length === 3", what: "the card's buttons")
            #expect(try await browser.evaluate("document.querySelector('#transcript li.bot .card p').textContent") == #"Which system is affected by "cannot print"?"#)
            #expect(try await HTTPTestClient(base: stack.fixtureServerURL).get("/sessions?tenant=acme&user=card-user").json?["count"] == 1,
                    "the waiting flow's session is in the fixture server's store")
            try await browser.click("#transcript li.bot .card .card-action")
            try await browser.waitUntil(#"[...document.querySelectorAll('#transcript li.bot')].some(li => li.textContent === 'Bot: Ticket opened for printer-3: cannot print')"#,
                                        what: "the resumed flow's answer")
        }
        #expect(try await HTTPTestClient(base: stack.fixtureServerURL).get("/sessions?tenant=acme&user=card-user").json?["count"] == 0)
        print("webchat card screenshot: \(try env.keep(screenshot).path)")
    }

    /// Runs `body` with headless Chromium, then saves a screenshot of the page (also when the
    /// body failed, and then kept outside the test folder at once) and closes the browser.
    static func withBrowser(_ env: TestEnv, screenshot: URL, _ body: (ChromiumSession) async throws -> Void) async throws {
        let browser = try await ChromiumSession.launch(in: env, executable: try #require(ChromiumSession.locate()))
        do {
            try await body(browser)
            try await browser.screenshot(to: screenshot)
            await browser.close()
        } catch {
            try? await browser.screenshot(to: screenshot)
            _ = try? env.keep(screenshot)
            await browser.close()
            throw error
        }
    }
}
