/// Runs `body`, then awaits `cleanup` whether `body` returned or threw, so a resource is released
/// before the caller continues (a `defer { Task { … } }` only starts the cleanup and may lose it).
package func withAsyncCleanup<T>(_ body: () async throws -> T, cleanup: () async -> Void) async throws -> T {
    let value: T
    do {
        value = try await body()
    } catch {
        await cleanup()
        throw error
    }
    await cleanup()
    return value
}
