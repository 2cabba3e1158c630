import Foundation
import GreenticTestKit

/// Renders each scenario's bot messages as the outbound payloads a provider would get:
/// buttons native or summarised in the text (`[a, b]`), Adaptive Cards native or downgraded to
/// a text summary of their text blocks and actions, text cut to the provider's limit with the
/// cut reported. Deterministic, so the result is a golden.
package enum ProviderRender {
    public static func profiles(path: String) throws -> [ProviderProfile] {
        guard let data = FileManager.default.contents(atPath: path) else { throw CapabilityError.invalid("capabilities file missing: \(path)") }
        let doc = try ConfigLoader.parseYAML(String(decoding: data, as: UTF8.self), path: path)
        guard let providers = doc["providers"]?.objectValue else { throw CapabilityError.invalid("\(path): providers must be a mapping") }
        return try providers.keys.sorted().map { name in
            let entry = providers[name]!
            guard let caps = entry["capabilities"]?.arrayValue?.compactMap(\.stringValue) else {
                throw CapabilityError.invalid("\(path): provider \(name) needs a capabilities list")
            }
            func limit(_ key: String) throws -> Int? {
                guard let v = entry["limits"]?[key] else { return nil }
                guard let d = v.doubleValue, d >= 1, d == d.rounded() else { throw CapabilityError.invalid("\(path): \(name).limits.\(key) must be a positive integer") }
                return Int(d)
            }
            return ProviderProfile(name: name, capabilities: Set(caps), maxTextLength: try limit("max_text_len"), maxButtons: try limit("max_buttons"))
        }
    }

    /// Renders every scenario of every pack under `packsRoot` for every provider (packs read by
    /// `PackCatalog`; a broken manifest or scenario entry is an error, an empty root too).
    public static func render(packsRoot: URL, providers: [ProviderProfile]) throws -> JSONValue {
        var out: [JSONValue] = []
        let catalog = try PackCatalog.load(root: packsRoot)
        guard !catalog.packs.isEmpty else { throw RenderError.noPacks(packsRoot.path) }
        for pack in catalog.packs {
            for (index, scenario) in (pack.manifest["scenarios"]?.arrayValue ?? []).enumerated() {
                guard let sid = scenario["id"]?.stringValue, let entry = scenario["entry"]?.stringValue else {
                    throw RenderError.invalid("manifest \(pack.manifestURL.path): scenario #\(index + 1) needs string id and entry")
                }
                let stepsURL = pack.directory.appendingPathComponent(entry)
                guard let data = FileManager.default.contents(atPath: stepsURL.path) else { throw RenderError.unreadable(stepsURL.path) }
                let steps = try JSONValue.parse(data)["steps"]?.arrayValue ?? []
                for provider in providers {
                    var notes: [JSONValue] = []
                    let messages = steps.enumerated().filter { $0.element["actor"]?.stringValue == "bot" }.map {
                        renderStep($0.element, index: $0.offset, provider: provider, notes: &notes)
                    }
                    out.append(["provider": .string(provider.name), "pack_id": .string(pack.id), "scenario_id": .string(sid),
                                "messages": .array(messages), "downgrades": .array(notes)])
                }
            }
        }
        return .array(out)
    }

    /// The outbound payload of one bot step; downgrades made are appended to `notes`.
    public static func renderStep(_ step: JSONValue, index: Int, provider: ProviderProfile, notes: inout [JSONValue]) -> JSONValue {
        var text = step["message"]?.stringValue ?? ""
        var payload: [String: JSONValue] = ["type": "message"]
        let options = step["options"]?.arrayValue?.compactMap(\.stringValue) ?? []
        if let card = step["card"] {
            if provider.supportsCards {
                payload["attachments"] = [["contentType": "application/vnd.microsoft.card.adaptive", "content": card]]
            } else {
                let summary = cardSummary(card)
                if !summary.isEmpty { text += (text.isEmpty ? "" : "\n") + summary }
                notes.append(["step": .number(Double(index)), "capability": "adaptive_cards", "action": "card rendered as a text summary"])
            }
        }
        if !options.isEmpty {
            if provider.supportsButtons {
                let shown = provider.maxButtons.map { Array(options.prefix($0)) } ?? options
                payload["buttons"] = .array(shown.map { .string($0) })
                if shown.count < options.count {
                    text += " [" + options.dropFirst(shown.count).joined(separator: ", ") + "]"
                    notes.append(["step": .number(Double(index)), "capability": "buttons",
                                  "action": .string("\(options.count - shown.count) option(s) beyond max_buttons listed in the text")])
                }
            } else {
                text += " [" + options.joined(separator: ", ") + "]"
                notes.append(["step": .number(Double(index)), "capability": "buttons", "action": "options listed in the text"])
            }
        }
        if let max = provider.maxTextLength, text.count > max {
            text = String(text.prefix(max - 1)) + "…"
            payload["limit_exceeded"] = true
            notes.append(["step": .number(Double(index)), "capability": "max_text_len", "action": .string("text cut to \(max) characters")])
        }
        payload["text"] = .string(text)
        return .object(payload)
    }

    /// The text of an Adaptive Card: its TextBlocks, then its actions' titles in brackets.
    static func cardSummary(_ card: JSONValue) -> String {
        var texts: [String] = []
        func walk(_ node: JSONValue) {
            if node["type"]?.stringValue == "TextBlock", let t = node["text"]?.stringValue { texts.append(t) }
            for key in ["body", "items", "columns"] { node[key]?.arrayValue?.forEach(walk) }
        }
        walk(card)
        let actions = card["actions"]?.arrayValue?.compactMap { $0["title"]?.stringValue } ?? []
        var summary = texts.joined(separator: "\n")
        if !actions.isEmpty { summary += (summary.isEmpty ? "" : "\n") + "[" + actions.joined(separator: ", ") + "]" }
        return summary
    }
}
