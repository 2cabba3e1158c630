import Foundation
import GreenticTestKit

/// Runs `wrk` (Debian's package) against a URL and reads its requests per second and latency.
enum Wrk {
    struct Result {
        var requestsPerSecond: Double
        var latencyAverageMs: Double
        var errors: Int
    }

    static func locate() throws -> String {
        do { return try ExecutableLocator.locate("wrk") } catch {
            throw ValidationErrorMessage("wrk is not installed (apt-get install wrk)")
        }
    }

    /// `wrk -t2 -cCONNECTIONS -dSECONDS`; `lua` (a script body) sets the method, body and headers.
    static func run(_ url: String, connections: Int = 32, seconds: Int = 5, lua: String? = nil) async throws -> Result {
        var arguments = ["-t2", "-c\(connections)", "-d\(seconds)s", "--latency", url]
        var script: URL?
        if let lua {
            let file = URL(fileURLWithPath: NSTemporaryDirectory()).appendingPathComponent("greentic-bench-\(UUID().uuidString).lua")
            try Data(lua.utf8).write(to: file)
            arguments = ["-s", file.path] + arguments
            script = file
        }
        defer { if let script { try? FileManager.default.removeItem(at: script) } }
        let out = try await CommandRunner.run(try locate(), arguments, timeout: .seconds(seconds + 30))
        guard out.status == 0, let rps = number(after: "Requests/sec:", in: out.stdout) else {
            throw ValidationErrorMessage("wrk failed (\(out.status)): \(out.stderr) \(out.stdout)")
        }
        var latency = 0.0
        if let line = out.stdout.split(separator: "\n").first(where: { $0.trimmingCharacters(in: .whitespaces).hasPrefix("Latency ") }) {
            let token = line.split(separator: " ", omittingEmptySubsequences: true).dropFirst().first.map(String.init) ?? ""
            latency = milliseconds(of: token)
        }
        var errors = 0
        for key in ["Non-2xx or 3xx responses:", "Socket errors:"] where out.stdout.contains(key) {
            if key.hasPrefix("Non-2xx") { errors += Int(number(after: key, in: out.stdout) ?? 0) } else { errors += 1 }
        }
        return Result(requestsPerSecond: rps, latencyAverageMs: latency, errors: errors)
    }

    static func number(after key: String, in text: String) -> Double? {
        guard let range = text.range(of: key) else { return nil }
        let rest = text[range.upperBound...].trimmingCharacters(in: .whitespaces)
        return Double(rest.prefix { $0.isNumber || $0 == "." })
    }

    /// `812.00us`, `1.23ms`, `2.5s` → milliseconds.
    static func milliseconds(of token: String) -> Double {
        let digits = token.prefix { $0.isNumber || $0 == "." }
        let value = Double(digits) ?? 0
        switch token.dropFirst(digits.count) {
        case "us": return value / 1000
        case "s": return value * 1000
        case "m": return value * 60_000
        default: return value
        }
    }
}

/// A benchmark that cannot run, with the reason.
struct ValidationErrorMessage: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
