import Foundation
import GreenticTestKit
import Yams

/// Scenario files: the same model as the builder, as versioned YAML (or JSON):
///
/// ```yaml
/// version: 1
/// name: echo round trip
/// steps:
///   - expect: {subject: svc.out, count: 1, within_ms: 2000, match: {text: HELLO}}
///   - expect_none: {subject: svc.err, within_ms: 300}
///   - publish: {subject: svc.in, json: {text: hello}}
///   - request: {subject: svc.echo, json: {n: 1}, within_ms: 1000, capture: reply}
///   - assert: {value: "${reply.n}", equals: 1}
/// ```
/// Unknown step kinds and unknown keys are errors naming the line.
public enum ScenarioFile {
    public static let supportedVersion = 1

    public static func load(path: String) throws -> Scenario {
        guard let data = FileManager.default.contents(atPath: path) else { throw ScenarioError.invalid("cannot read scenario file \(path)") }
        return try parse(String(decoding: data, as: UTF8.self), path: path)
    }

    public static func parse(_ text: String, path: String = "<scenario>") throws -> Scenario {
        let root: Node?
        do { root = try Yams.compose(yaml: text) } catch { throw ScenarioError.invalid("\(path): not valid YAML/JSON: \(error)") }
        guard let map = root?.mapping else { throw ScenarioError.invalid("\(path): a scenario file must be a mapping") }
        let reader = Reader(path: path)
        try reader.allowOnly(map, ["version", "name", "description", "steps"], at: root!)
        guard let version = map["version"]?.int else { throw reader.error(root!, "missing 'version' (use version: \(supportedVersion))") }
        guard version == supportedVersion else { throw reader.error(map["version"]!, "unsupported version \(version) (this harness reads version \(supportedVersion))") }
        guard let name = map["name"]?.string, !name.isEmpty else { throw reader.error(root!, "missing 'name'") }
        guard let stepsNode = map["steps"], let steps = stepsNode.sequence else { throw reader.error(root!, "'steps' must be a list") }
        return Scenario(name: name, steps: try steps.map(reader.step))
    }

    struct Reader {
        let path: String

        func error(_ node: Node, _ message: String) -> ScenarioError {
            .invalid("\(path):\((node.mark?.line).map(String.init) ?? "?"): \(message)")
        }

        func allowOnly(_ map: Node.Mapping, _ keys: Set<String>, at node: Node) throws {
            for (k, _) in map {
                guard let key = k.string, keys.contains(key) else {
                    throw error(k, "unknown key '\(k.string ?? "?")' (allowed: \(keys.sorted().joined(separator: ", ")))")
                }
            }
        }

        func json(_ node: Node) throws -> JSONValue {
            do { return try YAMLConversion.json(from: node) } catch { throw self.error(node, "\(error)") }
        }

        func string(_ map: Node.Mapping, _ key: String, at node: Node, required: Bool = true) throws -> String? {
            guard let value = map[key] else {
                if required { throw error(node, "missing '\(key)'") }
                return nil
            }
            guard let s = value.string, value.scalar != nil else { throw error(value, "'\(key)' must be a string") }
            return s
        }

        func milliseconds(_ map: Node.Mapping, _ key: String, default value: Int) throws -> Duration {
            guard let node = map[key] else { return .milliseconds(value) }
            guard let n = node.int, n >= 0 else { throw error(node, "'\(key)' must be a non-negative integer (milliseconds)") }
            return .milliseconds(n)
        }

        func int(_ map: Node.Mapping, _ key: String) throws -> Int? {
            guard let node = map[key] else { return nil }
            guard let n = node.int, n >= 0 else { throw error(node, "'\(key)' must be a non-negative integer") }
            return n
        }

        func payload(_ map: Node.Mapping, at node: Node) throws -> StepPayload {
            if map["json"] != nil && map["text"] != nil { throw error(node, "give either 'json' or 'text', not both") }
            if let j = map["json"] { return .json(try json(j)) }
            if let t = map["text"] { return .text(t.string ?? "") }
            return .none
        }

        func headers(_ map: Node.Mapping) throws -> [String: String] {
            guard let node = map["headers"] else { return [:] }
            guard let h = node.mapping else { throw error(node, "'headers' must be a mapping") }
            var out: [String: String] = [:]
            for (k, v) in h { out[k.string ?? ""] = v.string ?? "" }
            return out
        }

        func matchers(_ map: Node.Mapping) throws -> [MessageMatcher] {
            var out: [MessageMatcher] = []
            if let m = map["match"] {
                guard m.mapping != nil else { throw error(m, "'match' must be a mapping of keys (or dotted paths) to values") }
                out.append(.partial(try json(m)))
            }
            if let h = map["match_headers"] {
                guard let hm = h.mapping else { throw error(h, "'match_headers' must be a mapping") }
                for (k, v) in hm { out.append(.header(k.string ?? "", .equals(.string(v.string ?? "")))) }
            }
            if let t = map["text_contains"] { out.append(.text(.contains(t.string ?? ""))) }
            return out
        }

        func expectation(_ node: Node) throws -> MessageExpectation {
            guard let map = node.mapping else { throw error(node, "'expect' takes a mapping") }
            try allowOnly(map, ["subject", "count", "min", "max", "within_ms", "match", "match_headers", "text_contains", "capture"], at: node)
            let count = try int(map, "count")
            if count != nil && (map["min"] != nil || map["max"] != nil) { throw error(node, "give 'count' or 'min'/'max', not both") }
            let minimum = try int(map, "min")
            let maximum = try int(map, "max")
            return MessageExpectation(subject: try string(map, "subject", at: node)!, min: count ?? minimum ?? 1,
                               max: count ?? maximum, within: try milliseconds(map, "within_ms", default: 5000),
                               matchers: try matchers(map), capture: try string(map, "capture", at: node, required: false))
        }

        func step(_ node: Node) throws -> ScenarioStep {
            guard let outer = node.mapping, outer.count == 1, let (kNode, body) = outer.first, let kind = kNode.string else {
                throw error(node, "each step is a mapping with exactly one step kind")
            }
            let map = body.mapping ?? [:]
            switch kind {
            case "publish":
                try allowOnly(map, ["subject", "json", "text", "headers"], at: body)
                return .publish(subject: try string(map, "subject", at: body)!, payload: try payload(map, at: body), headers: try headers(map))
            case "request":
                try allowOnly(map, ["subject", "json", "text", "within_ms", "capture"], at: body)
                return .request(subject: try string(map, "subject", at: body)!, payload: try payload(map, at: body),
                                within: try milliseconds(map, "within_ms", default: 5000), capture: try string(map, "capture", at: body, required: false))
            case "http":
                try allowOnly(map, ["method", "url", "path", "json", "status", "capture"], at: body)
                guard let url = try string(map, "url", at: body, required: false) ?? string(map, "path", at: body, required: false) else {
                    throw error(body, "http needs 'url' or 'path'")
                }
                return .http(HTTPStepSpec(method: try string(map, "method", at: body, required: false) ?? "GET", url: url,
                                          json: try map["json"].map(json), status: try int(map, "status") ?? 200,
                                          capture: try string(map, "capture", at: body, required: false)))
            case "start_service":
                try allowOnly(map, ["name", "executable", "args", "env", "ready_log"], at: body)
                let args = try map["args"].map { n -> [String] in
                    guard let s = n.sequence else { throw error(n, "'args' must be a list") }
                    return s.map { $0.string ?? "" }
                } ?? []
                var env: [String: String] = [:]
                if let e = map["env"] {
                    guard let em = e.mapping else { throw error(e, "'env' must be a mapping") }
                    for (k, v) in em { env[k.string ?? ""] = v.string ?? "" }
                }
                return .startService(StartServiceSpec(name: try string(map, "name", at: body)!, executable: try string(map, "executable", at: body)!,
                                                      arguments: args, environment: env, readyLog: try string(map, "ready_log", at: body, required: false)))
            case "install_pack":
                try allowOnly(map, ["source", "packs_root"], at: body)
                return .installPack(source: try string(map, "source", at: body)!, packsRoot: try string(map, "packs_root", at: body, required: false))
            case "capture":
                try allowOnly(map, ["name", "value"], at: body)
                return .capture(name: try string(map, "name", at: body)!, value: try string(map, "value", at: body)!)
            case "wait_quiet":
                try allowOnly(map, ["subject", "quiet_ms", "within_ms"], at: body)
                return .waitQuiet(subject: try string(map, "subject", at: body)!, quietFor: try milliseconds(map, "quiet_ms", default: 200),
                                  within: try milliseconds(map, "within_ms", default: 5000))
            case "expect":
                return .expect(try expectation(body))
            case "expect_none":
                try allowOnly(map, ["subject", "within_ms", "match", "match_headers", "text_contains"], at: body)
                return .expectNone(subject: try string(map, "subject", at: body)!, within: try milliseconds(map, "within_ms", default: 300),
                                   matchers: try matchers(map))
            case "in_order":
                guard let list = body.sequence else { throw error(body, "'in_order' takes a list of expect bodies") }
                return .inOrder(try list.map(expectation))
            case "eventually":
                try allowOnly(map, ["within_ms", "steps"], at: body)
                guard let steps = map["steps"]?.sequence else { throw error(body, "'eventually' needs 'steps'") }
                return .eventually(within: try milliseconds(map, "within_ms", default: 5000), steps: try steps.map(step))
            case "assert":
                try allowOnly(map, ["value", "equals", "contains", "matches"], at: body)
                let value = try string(map, "value", at: body)!
                if let e = map["equals"] { return .assert(value: value, check: .equals(try json(e))) }
                if let c = map["contains"] { return .assert(value: value, check: .contains(c.string ?? "")) }
                if let m = map["matches"] { return .assert(value: value, check: .matches(m.string ?? "")) }
                throw error(body, "assert needs 'equals', 'contains' or 'matches'")
            default:
                throw error(kNode, "unknown step kind '\(kind)' (publish, request, http, start_service, install_pack, capture, wait_quiet, expect, expect_none, in_order, eventually, assert)")
            }
        }
    }
}
