import Foundation
import GreenticTestKit

/// Writes small, valid packs into a folder for tests.
public enum PackWriter {
    /// A pack folder `<root>/<folder>` with `pack.json`, one scenario, its golden and a README.
    @discardableResult
    public static func write(root: URL, folder: String? = nil, id: String, name: String? = nil, kind: String? = "application",
                             type: String = "menu", version: String = "1.0.0") throws -> URL {
        let dir = root.appendingPathComponent(folder ?? id)
        try FileManager.default.createDirectory(at: dir.appendingPathComponent("scenarios"), withIntermediateDirectories: true)
        try FileManager.default.createDirectory(at: dir.appendingPathComponent("golden"), withIntermediateDirectories: true)
        var manifest: [String: JSONValue] = [
            "id": .string(id), "name": .string(name ?? "Pack \(id)"), "version": .string(version),
            "description": "A pack written by a test.", "type": .string(type),
            "scenarios": [["id": "greet", "entry": "scenarios/greet.json", "golden": "golden/greet.json"]],
        ]
        if let kind { manifest["kind"] = .string(kind) }
        try write(.object(manifest), to: dir.appendingPathComponent("pack.json"))
        try write(["scenario": "greet", "steps": [["actor": "bot", "message": "Hello."], ["actor": "user", "message": "Hi", "options": ["a", "b"]]]],
                  to: dir.appendingPathComponent("scenarios/greet.json"))
        try write(["scenario_id": "greet", "transcript": ["BOT: Hello.", "USER: Hi [a, b]"]], to: dir.appendingPathComponent("golden/greet.json"))
        try Data("# \(id)\n\nA pack written by a test.\n".utf8).write(to: dir.appendingPathComponent("README.md"))
        return dir
    }

    public static func write(_ value: JSONValue, to url: URL) throws {
        try Data((JSONWriter.pretty(value) + "\n").utf8).write(to: url, options: .atomic)
    }
}
