import GreenticTestKit
import Synchronization
import Testing

/// `withAsyncCleanup` finishes its cleanup before the caller goes on, on success and on failure.
@Suite("Async cleanup")
struct AsyncCleanupTests {
    struct Boom: Error {}

    @Test func cleanupHasRunWhenTheValueIsReturned() async throws {
        let log = Mutex<[String]>([])
        let value = try await withAsyncCleanup({ log.withLock { $0.append("body") }; return 7 },
                                               cleanup: { await Task.yield(); log.withLock { $0.append("cleanup") } })
        log.withLock { $0.append("after") }
        #expect(value == 7)
        #expect(log.withLock { $0 } == ["body", "cleanup", "after"])
    }

    @Test func cleanupHasRunWhenTheBodyThrows() async {
        let log = Mutex<[String]>([])
        await #expect(throws: Boom.self) {
            try await withAsyncCleanup({ () async throws -> Int in throw Boom() },
                                       cleanup: { await Task.yield(); log.withLock { $0.append("cleanup") } })
        }
        #expect(log.withLock { $0 } == ["cleanup"])
    }
}
