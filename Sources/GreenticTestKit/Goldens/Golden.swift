import Foundation

/// Compares JSON values with golden files under a root folder, recording them per the mode.
///
/// Values are normalised (see `JSONNormalizer`) before comparing and before writing, and written
/// as pretty JSON with sorted keys and a trailing newline, so goldens diff cleanly in review.
public struct Golden: Sendable {
    public let root: URL
    public let mode: GoldenRecordMode
    public let normalizer: JSONNormalizer

    public init(root: URL, mode: GoldenRecordMode, normalizer: JSONNormalizer = JSONNormalizer()) {
        self.root = root
        self.mode = mode
        self.normalizer = normalizer
    }

    /// Root `Golden/` under the current directory, mode from the environment.
    public static func fromEnvironment(root: URL? = nil) throws -> Golden {
        let env = ProcessInfo.processInfo.environment
        let base = root ?? URL(fileURLWithPath: FileManager.default.currentDirectoryPath).appendingPathComponent("Golden")
        return Golden(root: base, mode: try GoldenRecordMode.fromEnvironment(env))
    }

    /// What `check` did.
    public enum Outcome: Sendable, Equatable {
        case matched
        case recorded
    }

    /// Compares `value` with `<root>/<name>` (`.json` added when the name has no extension).
    /// Throws `GoldenError.mismatch` with a structural diff, or `.missing` when comparing only.
    @discardableResult
    public func check(_ value: JSONValue, named name: String) throws -> Outcome {
        let actual = normalizer.normalize(value)
        return try check(document: JSONWriter.pretty(actual) + "\n", named: name) { stored in
            let expected = normalizer.normalize(stored)
            return expected == actual ? [] : [JSONDiff.report(expected: expected, actual: actual)]
        }
    }

    /// Compares a rendered JSON document with `<root>/<name>` by `drift`, which gets the stored
    /// golden and returns one line per difference (none when they match). The record mode says
    /// when `document` is written as the golden instead, byte for byte, so a golden keeps the
    /// layout of the tool that renders it.
    @discardableResult
    public func check(document: String, named name: String, drift: (JSONValue) throws -> [String]) throws -> Outcome {
        let url = fileURL(name)
        guard FileManager.default.fileExists(atPath: url.path) else {
            if mode == .never {
                throw GoldenError.missing(path: url.path, hint: "run with GOLDEN_RECORD=missing to record it")
            }
            try write(document, to: url)
            return .recorded
        }
        if mode == .all {
            try write(document, to: url)
            return .recorded
        }
        let lines: [String]
        do {
            lines = try drift(try JSONValue.parse(Data(contentsOf: url)))
        } catch {
            throw GoldenError.unreadable(path: url.path, reason: "\(error)")
        }
        if lines.isEmpty { return .matched }
        let report = lines.joined(separator: "\n")
        if mode == .failed {
            try write(document, to: url)
            throw GoldenError.mismatch(path: url.path, diff: report, rerecorded: true)
        }
        throw GoldenError.mismatch(path: url.path, diff: report, rerecorded: false)
    }

    public func fileURL(_ name: String) -> URL {
        let file = name.contains(".") ? name : name + ".json"
        return root.appendingPathComponent(file)
    }

    private func write(_ document: String, to url: URL) throws {
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try Data(document.utf8).write(to: url, options: .atomic)
    }
}
