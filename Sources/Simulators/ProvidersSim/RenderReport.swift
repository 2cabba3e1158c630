import Crypto
import Foundation
import GreenticTestKit

/// What providers-sim reports for one scenario: message counts by actor and a SHA-256 of the
/// golden transcript (each line followed by `\n`). Field order is the JSON order.
public struct RenderReport: Sendable, Equatable {
    public var packID: String
    public var scenarioID: String
    public var messageCount: Int
    public var botMessages: Int
    public var userMessages: Int
    public var systemMessages: Int
    public var transcriptHash: String

    public init(packID: String, scenarioID: String, transcript: [String]) {
        self.packID = packID
        self.scenarioID = scenarioID
        messageCount = transcript.count
        var counts = (bot: 0, user: 0, system: 0)
        for line in transcript {
            guard let colon = line.firstIndex(of: ":") else { continue }
            switch line[..<colon] {
            case "BOT": counts.bot += 1
            case "USER": counts.user += 1
            case "SYSTEM": counts.system += 1
            default: break
            }
        }
        (botMessages, userMessages, systemMessages) = counts
        transcriptHash = Self.hash(transcript)
    }

    public init(json: JSONValue) throws {
        guard let pack = json["pack_id"]?.stringValue, let scenario = json["scenario_id"]?.stringValue,
              let count = json["message_count"]?.doubleValue, let bot = json["bot_messages"]?.doubleValue,
              let user = json["user_messages"]?.doubleValue, let system = json["system_messages"]?.doubleValue,
              let hash = json["transcript_hash"]?.stringValue else {
            throw RenderError.invalidGolden("a report lacks one of pack_id, scenario_id, message_count, bot_messages, user_messages, system_messages, transcript_hash")
        }
        packID = pack
        scenarioID = scenario
        messageCount = Int(count)
        botMessages = Int(bot)
        userMessages = Int(user)
        systemMessages = Int(system)
        transcriptHash = hash
    }

    public static func hash(_ transcript: [String]) -> String {
        var hasher = SHA256()
        for line in transcript { hasher.update(data: Data((line + "\n").utf8)) }
        return HexDigest.hex(hasher.finalize())
    }

    public var orderedJSON: OrderedJSON {
        .object([
            ("pack_id", .string(packID)), ("scenario_id", .string(scenarioID)), ("message_count", .int(messageCount)),
            ("bot_messages", .int(botMessages)), ("user_messages", .int(userMessages)), ("system_messages", .int(systemMessages)),
            ("transcript_hash", .string(transcriptHash)),
        ])
    }

    /// The golden file format: a pretty JSON array and a trailing newline.
    public static func document(_ reports: [RenderReport]) -> String {
        JSONWriter.pretty(.array(reports.map(\.orderedJSON))) + "\n"
    }
}
