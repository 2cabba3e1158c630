import Foundation

/// Removes, from a shared Redis, the keys one test created: every key whose name carries the
/// test's scope token (the stack's sessions hash `greentic:sessions:e2e-<token>`, the runner's
/// state `greentic:state:e2e-<token>:…`, keys under `env.subjectPrefix` or `env.scopedName`).
/// Keys of other tests and of whoever else uses the server are left alone.
package enum ExternalRedisSweep {
    /// The Lua script run by `EVAL`: deletes the keys matching the pattern, returns how many.
    static let script = "local n = 0 for _, k in ipairs(redis.call('KEYS', ARGV[1])) do redis.call('DEL', k) n = n + 1 end return n"

    /// The pattern for a token: `*<token>*`, with Redis glob characters in the token escaped.
    package static func pattern(token: String) -> String {
        var escaped = ""
        for character in token {
            if "*?[]\\".contains(character) { escaped.append("\\") }
            escaped.append(character)
        }
        return "*\(escaped)*"
    }

    /// The RESP commands: `AUTH` when the URL has a password, `SELECT` for a `/N` database, `EVAL`.
    package static func commands(url: String, token: String) -> [[String]] {
        var commands: [[String]] = []
        let components = URLComponents(string: url)
        if let password = components?.password, !password.isEmpty {
            commands.append(["AUTH", password.removingPercentEncoding ?? password])
        }
        if let db = components?.path.split(separator: "/").first, Int(db) != nil {
            commands.append(["SELECT", String(db)])
        }
        commands.append(["EVAL", script, "0", pattern(token: token)])
        return commands
    }

    static func encode(_ command: [String]) -> String {
        "*\(command.count)\r\n" + command.map { "$\(Data($0.utf8).count)\r\n\($0)\r\n" }.joined()
    }

    /// Deletes the test's keys; throws when the server refuses or does not answer.
    package static func run(url: String, token: String) async throws {
        guard let (host, port) = InfraEndpoints.hostPort(url) else {
            throw TestEnvError.invalidConfiguration("\(EnvironmentSnapshot.redactURL(url)) has no host:port")
        }
        var steps: [ProbeClient.Step] = []
        for command in commands(url: url, token: token) {
            steps.append(.send(encode(command)))
            // AUTH and SELECT answer +OK, EVAL an integer; an error fails the conversation.
            steps.append(.expectAny(command[0] == "EVAL" ? [":"] : ["+OK\r\n"]))
        }
        try await ProbeClient.converse(host: host, port: port, steps: steps, timeout: .seconds(5))
    }
}
