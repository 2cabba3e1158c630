import Foundation

/// Validates a packs root: the original's rules (packs_test.py) plus SemVer versions, unique
/// pack ids, scenario/golden id agreement, golden transcripts that match the scenario steps
/// (`ACTOR: message` with ` [a, b]` for options), referenced flow and component files that
/// exist, flows that parse, and routing targets that name nodes. Every problem is reported as
/// `<path>: <message>`; a broken manifest is an error, never a crash.
package struct PackValidator: Sendable {
    public let root: URL

    public init(root: URL) {
        self.root = root
    }

    /// The outcome: errors (fail) and warnings (informational).
    public struct Report: Sendable, Equatable {
        public var packCount = 0
        public var errors: [String] = []
        public var warnings: [String] = []
        public var isValid: Bool { errors.isEmpty && packCount > 0 }
    }

    public func validate() -> Report {
        var report = Report()
        let manifests: [URL]
        do { manifests = try PackCatalog.manifestURLs(root: root) } catch {
            report.errors.append("\(error)")
            return report
        }
        guard !manifests.isEmpty else {
            report.errors.append("\(root.path): no pack manifests found (expected <pack>/pack.json)")
            return report
        }
        var ids: [String: String] = [:]
        for manifest in manifests {
            report.packCount += 1
            validatePack(manifest, ids: &ids, into: &report)
        }
        return report
    }

    func validatePack(_ manifestURL: URL, ids: inout [String: String], into report: inout Report) {
        let manifestPath = manifestURL.path
        let packDir = manifestURL.deletingLastPathComponent()
        func error(_ message: String, _ path: String = manifestPath) { report.errors.append("\(path): \(message)") }

        let manifest: JSONValue
        do {
            guard let data = FileManager.default.contents(atPath: manifestPath) else { return error("cannot be read") }
            manifest = try JSONValue.parse(data)
        } catch let parseError {
            return error("invalid JSON (\(Self.short(parseError)))")
        }
        guard case .object(let m) = manifest else { return error("manifest must be a JSON object, not \(manifest.typeName)") }

        let required = ["id", "name", "version", "description", "type", "scenarios"]
        let missing = required.filter { m[$0] == nil }.sorted()
        if !missing.isEmpty { error("missing fields [\(missing.map { "'\($0)'" }.joined(separator: ", "))]") }
        for field in ["id", "name", "version", "description", "type"] {
            if let v = m[field], v.stringValue == nil { error("'\(field)' must be a string, not \(v.typeName)") }
        }
        if let id = m["id"]?.stringValue {
            if let other = ids[id] { error("duplicate pack id '\(id)' (also in \(other))") } else { ids[id] = manifestPath }
        }
        if let version = m["version"]?.stringValue, !Self.isSemVer(version) {
            error("version '\(version)' is not SemVer (MAJOR.MINOR.PATCH[-pre][+build])")
        }

        guard let scenarios = m["scenarios"]?.arrayValue, !scenarios.isEmpty else {
            return error("'scenarios' must be a non-empty list")
        }
        var scenarioIDs = Set<String>()
        for scenario in scenarios {
            guard case .object(let s) = scenario else { error("scenario entries must be objects"); continue }
            let sid = s["id"]?.stringValue
            let missingFields = ["id", "entry", "golden"].filter { s[$0]?.stringValue == nil }.sorted()
            if !missingFields.isEmpty {
                error("scenario \(sid ?? "None") missing fields [\(missingFields.map { "'\($0)'" }.joined(separator: ", "))]")
                continue
            }
            let id = sid!
            if !scenarioIDs.insert(id).inserted { error("duplicate scenario id '\(id)'") }
            let entryPath = Self.resolve(s["entry"]!.stringValue!, in: packDir)
            let goldenPath = Self.resolve(s["golden"]!.stringValue!, in: packDir)
            var steps: [JSONValue]?
            switch Self.loadJSON(entryPath) {
            case .failure(let failure): report.errors.append(failure.description)
            case .success(let data):
                if data["scenario"]?.stringValue != id { error("scenario id mismatch (expected \(id))", entryPath) }
                if let list = data["steps"]?.arrayValue, !list.isEmpty { steps = list } else {
                    error("steps must be a non-empty list", entryPath)
                }
            }
            switch Self.loadJSON(goldenPath) {
            case .failure(let failure): report.errors.append(failure.description)
            case .success(let data):
                if data["scenario_id"]?.stringValue != id { error("scenario_id mismatch (expected \(id))", goldenPath) }
                guard let transcript = data["transcript"]?.arrayValue, !transcript.isEmpty else {
                    error("transcript must be a non-empty list", goldenPath)
                    break
                }
                if let steps {
                    let expected = steps.map(Self.transcriptLine)
                    let actual = transcript.map { $0.stringValue ?? JSONWriter.compact($0) }
                    if expected != actual {
                        let index = zip(expected, actual).enumerated().first { $0.element.0 != $0.element.1 }?.offset
                            ?? min(expected.count, actual.count)
                        let want = index < expected.count ? expected[index] : "(nothing)"
                        let got = index < actual.count ? actual[index] : "(nothing)"
                        error("transcript drifts from the scenario steps at line \(index + 1): steps give \"\(want)\", golden has \"\(got)\"", goldenPath)
                    }
                }
            }
        }

        for (i, flow) in (m["flows"]?.arrayValue ?? []).enumerated() {
            guard let file = flow["file"]?.stringValue else { error("flow #\(i + 1) has no 'file'"); continue }
            let path = Self.resolve(file, in: packDir)
            guard FileManager.default.fileExists(atPath: path) else { error("flow file \(file) does not exist (\(path))"); continue }
            do {
                let doc = try FlowDocument.load(path: path)
                if let declared = flow["id"]?.stringValue, declared != doc.id {
                    error("flow id mismatch: manifest says '\(declared)', file says '\(doc.id)'", path)
                }
                for route in doc.danglingRoutes { error("routing target names no node: \(route)", path) }
            } catch let flowError {
                report.errors.append("\(flowError)")
            }
        }
        for (i, component) in (m["components"]?.arrayValue ?? []).enumerated() {
            guard let file = component["path"]?.stringValue else { error("component #\(i + 1) has no 'path'"); continue }
            let path = Self.resolve(file, in: packDir)
            if !FileManager.default.fileExists(atPath: path) { error("component file \(file) does not exist (\(path))") }
        }
        if !FileManager.default.fileExists(atPath: packDir.appendingPathComponent("README.md").path) {
            report.errors.append("\(packDir.path): README.md is required for contributor context")
        }
    }

    /// Runs the platform's own checks when their tools are installed (`greentic-dev pack
    /// validate <manifest>`, `greentic-pack sim <manifest>`): a failure is an error, not a
    /// warning. Returns the errors and the tools that ran.
    public func externalChecks(environment: [String: String] = ProcessInfo.processInfo.environment) async -> (errors: [String], ran: [String]) {
        var errors: [String] = []
        let manifests: [String]
        do { manifests = try PackCatalog.manifestURLs(root: root).map(\.path) } catch {
            return (["\(error)"], [])
        }
        var ran: [String] = []
        for (tool, args) in [("greentic-dev", ["pack", "validate"]), ("greentic-pack", ["sim"])] {
            guard let path = try? ExecutableLocator.locate(tool, environment: environment) else { continue }
            ran.append(path)
            for manifest in manifests {
                do {
                    let out = try await CommandRunner.run(path, args + [manifest], environment: environment, timeout: .seconds(120))
                    if out.status != 0 {
                        let detail = (out.stderr.isEmpty ? out.stdout : out.stderr).trimmingCharacters(in: .whitespacesAndNewlines)
                        errors.append("\(manifest): \(tool) \(args.joined(separator: " ")) failed with exit \(out.status)\(detail.isEmpty ? "" : ": " + String(detail.suffix(300)))")
                    }
                } catch {
                    errors.append("\(manifest): \(tool) could not run: \(error)")
                }
            }
        }
        return (errors, ran)
    }

    /// `ACTOR: message`, with ` [a, b]` appended when the step has options.
    public static func transcriptLine(_ step: JSONValue) -> String {
        let actor = (step["actor"]?.stringValue ?? "?").uppercased()
        var line = "\(actor): \(step["message"]?.stringValue ?? "")"
        if let options = step["options"]?.arrayValue, !options.isEmpty {
            line += " [" + options.map { $0.stringValue ?? JSONWriter.compact($0) }.joined(separator: ", ") + "]"
        }
        return line
    }

    static func resolve(_ relative: String, in dir: URL) -> String {
        relative.hasPrefix("/") ? relative : dir.appendingPathComponent(relative).standardizedFileURL.path
    }

    static func loadJSON(_ path: String) -> Result<JSONValue, LoadFailure> {
        guard let data = FileManager.default.contents(atPath: path) else { return .failure(LoadFailure("Missing file: \(path)")) }
        do { return .success(try JSONValue.parse(data)) } catch {
            return .failure(LoadFailure("Invalid JSON in \(path): \(short(error))"))
        }
    }

    struct LoadFailure: Error, CustomStringConvertible {
        var description: String
        init(_ d: String) { description = d }
    }

    static func short(_ error: any Error) -> String {
        let text = "\(error)"
        return text.count > 160 ? String(text.prefix(157)) + "..." : text
    }

    /// Strict SemVer 2.0.0.
    public static func isSemVer(_ s: String) -> Bool {
        let pattern = #"^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(?:-((?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*)(?:\.(?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*))*))?(?:\+([0-9a-zA-Z-]+(?:\.[0-9a-zA-Z-]+)*))?$"#
        return (try? Regex(pattern).wholeMatch(in: s)) != nil
    }
}
