import Foundation

/// Loads fixture files (JSON or text) from a fixtures root.
///
/// The root is `GREENTIC_FIXTURES_DIR` when set, else `Fixtures/` under the current directory.
/// An absolute path is used as is.
public struct Fixture: Sendable {
    public let root: URL

    public init(root: URL? = nil) {
        if let root {
            self.root = root
        } else if let env = ProcessInfo.processInfo.environment["GREENTIC_FIXTURES_DIR"], !env.isEmpty {
            self.root = URL(fileURLWithPath: env)
        } else {
            self.root = URL(fileURLWithPath: FileManager.default.currentDirectoryPath).appendingPathComponent("Fixtures")
        }
    }

    public func url(_ relative: String) -> URL {
        relative.hasPrefix("/") ? URL(fileURLWithPath: relative) : root.appendingPathComponent(relative)
    }

    public func text(_ relative: String) throws -> String {
        let url = url(relative)
        guard let data = FileManager.default.contents(atPath: url.path) else {
            throw FixtureError.unreadable(path: url.path)
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw FixtureError.invalidUTF8(path: url.path)
        }
        return text
    }

    public func json(_ relative: String) throws -> JSONValue {
        let url = url(relative)
        guard let data = FileManager.default.contents(atPath: url.path) else {
            throw FixtureError.unreadable(path: url.path)
        }
        do {
            return try JSONValue.parse(data)
        } catch {
            throw FixtureError.invalidJSON(path: url.path, reason: "\(error)")
        }
    }

    /// Loads with the default fixtures root.
    public static func json(_ relative: String) throws -> JSONValue { try Fixture().json(relative) }
    public static func text(_ relative: String) throws -> String { try Fixture().text(relative) }
}
