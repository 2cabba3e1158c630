import AsyncHTTPClient
import Foundation
import GreenticTestKit
import NIOCore

/// Headless Chromium driven over the Chrome DevTools Protocol, for tests that use a page as a
/// person would: navigate, wait for the page to reach a state, click, type, read the DOM and
/// take a screenshot. The browser runs as a service of the test's `TestEnv` (its output in the
/// logs, stopped with the environment); commands go over the page target's WebSocket.
public actor ChromiumSession {
    /// A command failed or a wait ran out.
    public struct Failure: Error, CustomStringConvertible {
        public var message: String
        public var description: String { message }
    }

    let socket: WebSocketSession
    public let debuggingPort: Int
    private var nextID = 0

    init(socket: WebSocketSession, debuggingPort: Int) {
        self.socket = socket
        self.debuggingPort = debuggingPort
    }

    /// The browser to use: `CHROMIUM` when set, else `chromium`, `chromium-browser`,
    /// `google-chrome` on PATH.
    public static func locate(environment: [String: String] = ProcessInfo.processInfo.environment) -> String? {
        if let path = environment["CHROMIUM"], !path.isEmpty { return path }
        for name in ["chromium", "chromium-browser", "google-chrome"] {
            if let found = try? ExecutableLocator.locate(name, environment: environment) { return found }
        }
        return nil
    }

    /// Starts headless Chromium (1024×768, no sandbox so it runs as root, a fresh profile in the
    /// test folder) and attaches to its first page.
    public static func launch(in env: TestEnv, executable: String) async throws -> ChromiumSession {
        let profile = env.directory.root.appendingPathComponent("chromium-profile")
        let browser = try await env.start(ServiceSpec(
            name: "chromium", executable: executable,
            arguments: ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run",
                        "--no-default-browser-check", "--disable-extensions", "--remote-debugging-address=127.0.0.1", "--remote-allow-origins=ws://127.0.0.1",
                        "--remote-debugging-port=0", "--user-data-dir=\(profile.path)", "--window-size=1024,768", "about:blank"],
            readiness: .logLine(#"DevTools listening on ws://127\.0\.0\.1:(?<port>\d+)/"#), readinessTimeout: .seconds(60)))
        guard let port = browser.capture("port").flatMap(Int.init) else { throw Failure(message: "chromium did not report its DevTools port") }
        var pageURL: String?
        let deadline = ContinuousClock.now + .seconds(10)
        while pageURL == nil, ContinuousClock.now < deadline {
            let response = try await SharedHTTPClient.client.execute(HTTPClientRequest(url: "http://127.0.0.1:\(port)/json/list"), timeout: .seconds(5))
            let body = try await response.body.collect(upTo: 1 << 20)
            let targets = (try? JSONValue.parse(Data(body.readableBytesView)))?.arrayValue ?? []
            pageURL = targets.first { $0["type"] == "page" }?["webSocketDebuggerUrl"]?.stringValue
            if pageURL == nil { try await Task.sleep(for: .milliseconds(100)) }
        }
        guard let pageURL else { throw Failure(message: "chromium on port \(port) has no page target") }
        let session = ChromiumSession(socket: try await WebSocketSession.connect(pageURL), debuggingPort: port)
        _ = try await session.call("Page.enable")
        _ = try await session.call("Runtime.enable")
        return session
    }

    /// Sends a DevTools command and returns its `result` (events in between are skipped).
    public func call(_ method: String, _ params: JSONValue = .object([:]), timeout: Duration = .seconds(30)) async throws -> JSONValue {
        nextID += 1
        let id = nextID
        try socket.send(JSONWriter.compact(["id": .number(Double(id)), "method": .string(method), "params": params]))
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            guard let text = await socket.next(timeout: deadline - ContinuousClock.now) else { break }
            guard let message = try? JSONValue.parse(text), message["id"]?.intValue == id else { continue }
            if let error = message["error"] { throw Failure(message: "\(method) failed: \(JSONWriter.compact(error))") }
            return message["result"] ?? .null
        }
        throw Failure(message: "\(method) got no answer within \(timeout)")
    }

    /// Loads a URL and waits for the load event.
    public func navigate(_ url: String) async throws {
        let result = try await call("Page.navigate", ["url": .string(url)])
        if let error = result["errorText"]?.stringValue { throw Failure(message: "navigating to \(url) failed: \(error)") }
        try await waitUntil("document.readyState === 'complete'", timeout: .seconds(15), what: "the page to load")
    }

    /// Evaluates JavaScript in the page (promises awaited) and returns its value.
    public func evaluate(_ expression: String) async throws -> JSONValue {
        let result = try await call("Runtime.evaluate", ["expression": .string(expression), "returnByValue": true, "awaitPromise": true])
        if let exception = result["exceptionDetails"] {
            throw Failure(message: "script failed: \(exception.value(atPath: "exception.description")?.stringValue ?? JSONWriter.compact(exception))")
        }
        return result.value(atPath: "result.value") ?? .null
    }

    /// Polls a JavaScript condition until it is true; the failure names `what` and the page text.
    public func waitUntil(_ condition: String, timeout: Duration = .seconds(15), what: String) async throws {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            if try await evaluate("Boolean(\(condition))") == true { return }
            try await Task.sleep(for: .milliseconds(100))
        }
        let text = (try? await evaluate("document.body ? document.body.innerText : ''"))?.stringValue ?? ""
        throw Failure(message: "timed out after \(timeout) waiting for \(what); the page shows:\n\(text.prefix(2000))")
    }

    /// Clicks the centre of the first element matching a CSS selector, with real mouse events.
    public func click(_ selector: String) async throws {
        let box = try await evaluate("""
            (() => { const e = document.querySelector(\(Self.quoted(selector))); if (!e) return null;
              e.scrollIntoView({block: 'center'}); const r = e.getBoundingClientRect();
              return {x: r.left + r.width / 2, y: r.top + r.height / 2}; })()
            """)
        guard let x = box["x"]?.doubleValue, let y = box["y"]?.doubleValue else { throw Failure(message: "no element matches \(selector)") }
        for type in ["mousePressed", "mouseReleased"] {
            _ = try await call("Input.dispatchMouseEvent", ["type": .string(type), "x": .number(x), "y": .number(y), "button": "left", "clickCount": 1])
        }
    }

    /// Focuses the element and types text as keyboard input.
    public func type(_ selector: String, _ text: String) async throws {
        guard try await evaluate("(() => { const e = document.querySelector(\(Self.quoted(selector))); if (!e) return false; e.focus(); return true; })()") == true else {
            throw Failure(message: "no element matches \(selector)")
        }
        _ = try await call("Input.insertText", ["text": .string(text)])
    }

    /// Saves a PNG screenshot of the viewport.
    public func screenshot(to file: URL) async throws {
        let result = try await call("Page.captureScreenshot", ["format": "png"])
        guard let encoded = result["data"]?.stringValue, let png = Data(base64Encoded: encoded) else { throw Failure(message: "no screenshot data") }
        try FileManager.default.createDirectory(at: file.deletingLastPathComponent(), withIntermediateDirectories: true)
        try png.write(to: file)
    }

    public func close() async {
        await socket.close()
    }

    static func quoted(_ s: String) -> String { JSONWriter.compact(.string(s)) }
}
