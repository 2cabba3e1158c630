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
        let url = fileURL(name)
        let actual = normalizer.normalize(value)
        let fm = FileManager.default
        guard fm.fileExists(atPath: url.path) else {
            if mode == .never {
                throw GoldenError.missing(path: url.path, hint: "run with GOLDEN_RECORD=missing to record it")
            }
            try write(actual, to: url)
            return .recorded
        }
        if mode == .all {
            try write(actual, to: url)
            return .recorded
        }
        let data = try Data(contentsOf: url)
        let expected: JSONValue
        do {
            expected = normalizer.normalize(try JSONValue.parse(data))
        } catch {
            throw GoldenError.unreadable(path: url.path, reason: "\(error)")
        }
        if expected == actual { return .matched }
        let report = JSONDiff.report(expected: expected, actual: actual)
        if mode == .failed {
            try write(actual, to: url)
            throw GoldenError.mismatch(path: url.path, diff: report, rerecorded: true)
        }
        throw GoldenError.mismatch(path: url.path, diff: report, rerecorded: false)
    }

    public func fileURL(_ name: String) -> URL {
        let file = name.contains(".") ? name : name + ".json"
        return root.appendingPathComponent(file)
    }

    private func write(_ value: JSONValue, to url: URL) throws {
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try Data((JSONWriter.pretty(value) + "\n").utf8).write(to: url, options: .atomic)
    }
}

/// Why a golden check failed.
public enum GoldenError: Error, CustomStringConvertible, Equatable {
    case missing(path: String, hint: String)
    case unreadable(path: String, reason: String)
    case mismatch(path: String, diff: String, rerecorded: Bool)
    case invalidRecordMode(String)

    public var description: String {
        switch self {
        case .missing(let path, let hint):
            "golden \(path) does not exist (GOLDEN_RECORD=never); \(hint)"
        case .unreadable(let path, let reason):
            "golden \(path) is not valid JSON: \(reason)"
        case .mismatch(let path, let diff, let rerecorded):
            "value differs from golden \(path)\(rerecorded ? " (re-recorded; review the change)" : ""):\n\(diff)"
        case .invalidRecordMode(let raw):
            "GOLDEN_RECORD=\(raw) is not one of never, missing, failed, all"
        }
    }
}
