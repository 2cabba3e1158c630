

/// A readiness check of your own (a gRPC health call, a file appearing, a queue being bound):
/// `attempt` is called repeatedly, with a short growing interval, until it returns without
/// throwing or the service's readiness timeout passes; the last error it threw is in the
/// timeout's message. `captures` holds the values earlier checks captured (`port`, …).
///
/// ```
/// struct FileExists: ReadinessCheck {
///     let path: String
///     var description: String { "the file \(path)" }
///     func attempt(captures: [String: String]) async throws {
///         guard FileManager.default.fileExists(atPath: path) else { throw CocoaError(.fileNoSuchFile) }
///     }
/// }
/// ServiceSpec(name: "api", executable: "my-api", readiness: .all([.logLine("ready"), .custom(FileExists(path: "/tmp/api.sock"))]))
/// ```
public protocol ReadinessCheck: Sendable, CustomStringConvertible {
    /// One attempt; throws why the service is not ready yet.
    func attempt(captures: [String: String]) async throws
}
