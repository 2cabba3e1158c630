import Crypto
import Foundation
import GreenticTestKit

/// The Direct Line backend of the fixture server: token signing, the conversations, and the
/// exchange of a user's message with the runner bridge, whose answer becomes bot activities.
package final class DirectLineBackend: Sendable {
    public let signer: DirectLineTokenSigner
    public let conversations: DirectLineConversations
    public let config: WebChatConfig

    public init(config: WebChatConfig) {
        self.config = config
        let secret = config.signingKey.map { Array($0.utf8) } ?? SymmetricKey(size: .bits256).withUnsafeBytes { Array($0) }
        signer = DirectLineTokenSigner(secret: secret, issuer: config.issuer, audience: config.audience, lifetime: config.tokenLifetime,
                                       maxLifetime: config.maxTokenLifetime)
        conversations = DirectLineConversations(maxActivities: config.maxActivities, maxBytes: config.maxConversationBytes,
                                                maxConversations: config.maxConversations, idleBeforeEviction: .seconds(config.tokenLifetime))
    }

    /// The flow WebChat messages go to: `webchat.flow`, else the first `type: messaging` flow
    /// declared by the packs (in pack id order), else `webchat`.
    public func flow(packs: [PackEntry]) -> String {
        if let flow = config.flow { return flow }
        for pack in packs {
            for entry in pack.manifest["flows"]?.arrayValue ?? [] {
                guard let id = entry["id"]?.stringValue, let file = entry["file"]?.stringValue,
                      let doc = try? FlowDocument.load(path: URL(fileURLWithPath: pack.path).appendingPathComponent(file).path) else { continue }
                if doc.type == "messaging" { return id }
            }
        }
        return "webchat"
    }

    /// The runner activity for a user's message in a conversation.
    static func runnerPayload(_ activity: JSONValue, conversation: String, user: String) -> JSONValue {
        var payload: [String: JSONValue] = ["text": activity["text"] ?? "", "session_id": .string(conversation), "channel": "webchat",
                                            "from": ["id": .string(user)], "activity_id": activity["id"] ?? .null]
        if let value = activity["value"] { payload["value"] = value }
        return .object(payload)
    }

    /// Bot activities from a runner answer: each of `replies` (text, an Adaptive Card, or an
    /// object with `text`/`attachments`), or the echo runner's `echo`, or a lone `reply`.
    public static func botActivities(from result: JSONValue, replyTo: JSONValue?) -> [JSONValue] {
        func bot(_ fields: [String: JSONValue]) -> JSONValue {
            var a: [String: JSONValue] = ["type": "message", "from": ["id": "bot", "name": "Greentic", "role": "bot"]]
            if let replyTo { a["replyToId"] = replyTo }
            for (k, v) in fields { a[k] = v }
            return .object(a)
        }
        if let replies = result["replies"]?.arrayValue {
            return replies.compactMap { reply in
                switch reply {
                case .string(let text): return bot(["text": .string(text)])
                case .object(let o) where o["type"]?.stringValue == "AdaptiveCard":
                    return bot(["attachments": [["contentType": "application/vnd.microsoft.card.adaptive", "content": reply]]])
                case .object(let o):
                    var fields: [String: JSONValue] = [:]
                    if let text = o["text"] { fields["text"] = text }
                    if let attachments = o["attachments"] { fields["attachments"] = attachments }
                    return fields.isEmpty ? nil : bot(fields)
                default: return nil
                }
            }
        }
        if let echo = result["echo"] {
            let text = echo["text"]?.stringValue ?? echo.stringValue ?? JSONWriter.compact(echo)
            return [bot(["text": .string("echo: \(text)")])]
        }
        if let reply = result["reply"]?.stringValue { return [bot(["text": .string(reply)])] }
        return []
    }
}
