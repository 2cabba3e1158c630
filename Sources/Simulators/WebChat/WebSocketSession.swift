import Foundation
import GreenticTestKit
import HummingbirdWSClient
import Logging
import NIOCore
import ScenarioDSL
import Synchronization

/// A WebSocket client connection kept open for a test: text messages received are queued for
/// `next(timeout:)`, `send(_:)` writes a text message, `close()` ends it. Built on
/// HummingbirdWSClient; `ws://` only (loopback tests).
public final class WebSocketSession: Sendable {
    /// Connecting failed or the connection is gone.
    public enum Failure: Error, CustomStringConvertible, Equatable {
        case connectFailed(url: String, reason: String)
        case closed(url: String)

        public var description: String {
            switch self {
            case .connectFailed(let url, let reason): "WebSocket \(url): connection failed: \(reason)"
            case .closed(let url): "WebSocket \(url) is closed"
            }
        }
    }

    public let url: String
    private let inbox = AsyncMailbox<String>()
    private let outbox: AsyncStream<String>.Continuation
    private let task: Mutex<Task<Void, Never>?> = Mutex(nil)
    private let state = Mutex<(open: Bool, closeError: String?)>((false, nil))

    private init(url: String, outbox: AsyncStream<String>.Continuation) {
        self.url = url
        self.outbox = outbox
    }

    /// Connects and returns once the upgrade succeeded (or throws when it did not within `timeout`).
    public static func connect(_ url: String, maxMessageBytes: Int = 32 << 20, timeout: Duration = .seconds(10)) async throws -> WebSocketSession {
        let (outStream, outWriter) = AsyncStream<String>.makeStream()
        let session = WebSocketSession(url: url, outbox: outWriter)
        let opened = AsyncStream<Result<Void, any Error>>.makeStream()
        var configuration = WebSocketClientConfiguration()
        configuration.maxFrameSize = maxMessageBytes
        var logger = Logger(label: "greentic.websocket")
        logger.logLevel = .critical
        let task = Task {
            do {
                try await WebSocketClient.connect(url: url, configuration: configuration, logger: logger) { inbound, outbound, _ in
                    session.state.withLock { $0.open = true }
                    opened.continuation.yield(.success(()))
                    try await withThrowingTaskGroup(of: Void.self) { group in
                        group.addTask {
                            for await text in outStream { try await outbound.write(.text(text)) }
                        }
                        group.addTask {
                            for try await message in inbound.messages(maxSize: maxMessageBytes) {
                                if case .text(let text) = message { session.inbox.put(text) }
                            }
                        }
                        try await group.next()
                        group.cancelAll()
                    }
                }
            } catch {
                session.state.withLock { $0.closeError = "\(error)" }
                opened.continuation.yield(.failure(error))
            }
            session.state.withLock { $0.open = false }
            session.inbox.finish()
            opened.continuation.finish()
        }
        session.task.withLock { $0 = task }
        let first: Result<Void, any Error>? = try await withThrowingTaskGroup(of: Result<Void, any Error>?.self) { group in
            group.addTask { var it = opened.stream.makeAsyncIterator(); return await it.next() }
            group.addTask { try await Task.sleep(for: timeout); return nil }
            let r = try await group.next()!
            group.cancelAll()
            return r
        }
        switch first {
        case .success?: return session
        case .failure(let error)?:
            throw Failure.connectFailed(url: url, reason: "\(error)")
        case nil:
            task.cancel()
            throw Failure.connectFailed(url: url, reason: session.state.withLock { $0.closeError } ?? "no upgrade within \(timeout) (closed or refused)")
        }
    }

    public var isOpen: Bool { state.withLock { $0.open } }

    /// Sends a text message.
    public func send(_ text: String) throws {
        guard isOpen else { throw Failure.closed(url: url) }
        outbox.yield(text)
    }

    /// The next text message, or nil on timeout or when the connection closed.
    public func next(timeout: Duration) async -> String? {
        await inbox.next(timeout: timeout)
    }

    /// Closes the connection and waits for it to end.
    public func close() async {
        outbox.finish()
        let t = task.withLock { $0 }
        t?.cancel()
        await t?.value
    }
}
