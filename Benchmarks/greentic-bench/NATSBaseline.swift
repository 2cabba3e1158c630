import Foundation
import GreenticTestKit

/// A program measuring the same three numbers as the Swift client (pub/sub 16 B and 1 KiB in
/// messages per second, request/reply median in µs) against the same server, built here from
/// its source in `Baselines/`. Each takes `URL SMALL_COUNT LARGE_COUNT REQUESTS` and prints
/// `{"small":…,"large":…,"rtt_us":…}`.
enum NATSBaseline: String, CaseIterable, Sendable {
    case floor
    case natsGo = "nats.go"
    case natsPy = "nats-py"

    struct Result: Sendable {
        var small: Double
        var large: Double
        var rttMicroseconds: Double
    }

    /// Why a baseline could not run, with what installs it.
    struct Missing: Error, CustomStringConvertible {
        var description: String
    }

    var title: String {
        switch self {
        case .floor: "floor (C, two blocking sockets, one thread)"
        case .natsGo: "nats.go"
        case .natsPy: "nats-py"
        }
    }

    /// Builds (where needed) and runs the baseline.
    func run(url: String, counts: (small: Int, large: Int, requests: Int), scratch: URL) async throws -> Result {
        let folder = scratch.appendingPathComponent("baseline-\(rawValue)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let command = try await build(in: folder)
        let arguments = command.arguments + [url, "\(counts.small)", "\(counts.large)", "\(counts.requests)"]
        let out = try await CommandRunner.run(command.executable, arguments, environment: command.environment, timeout: .seconds(900))
        guard out.status == 0, let result = try? JSONValue.parse(out.stdout),
              let small = result["small"]?.doubleValue, let large = result["large"]?.doubleValue, let rtt = result["rtt_us"]?.doubleValue else {
            throw Missing(description: "it failed: \(out.stderr.suffix(300).trimmingCharacters(in: .whitespacesAndNewlines))")
        }
        return Result(small: small, large: large, rttMicroseconds: rtt)
    }

    private func build(in folder: URL) async throws -> (executable: String, arguments: [String], environment: [String: String]?) {
        switch self {
        case .floor:
            guard ExecutableLocator.find("cc") != nil else { throw Missing(description: "no C compiler: apt-get install -y gcc") }
            let source = folder.appendingPathComponent("floor.c"), binary = folder.appendingPathComponent("floor")
            try Data(PackageResources.floor_c).write(to: source)
            let out = try await CommandRunner.run("cc", ["-O2", "-o", binary.path, source.path], timeout: .seconds(120))
            guard out.status == 0 else { throw Missing(description: "cc failed: \(out.stderr.suffix(300))") }
            return (binary.path, [], nil)
        case .natsGo:
            let install = "apt-get install -y golang-go golang-github-nats-io-go-nats-dev"
            guard ExecutableLocator.find("go") != nil else { throw Missing(description: "no Go toolchain: \(install)") }
            let gocode = "/usr/share/gocode"
            guard FileManager.default.fileExists(atPath: gocode + "/src/github.com/nats-io/nats.go/nats.go") else {
                throw Missing(description: "nats.go's source is not installed: \(install)")
            }
            let source = folder.appendingPathComponent("natsgo.go"), binary = folder.appendingPathComponent("natsgo")
            try Data(PackageResources.natsgo_go).write(to: source)
            var environment = ProcessInfo.processInfo.environment
            // Offline, in GOPATH mode: the scratch folder first, then the Go sources Debian installs.
            environment["GO111MODULE"] = "off"
            environment["GOPATH"] = folder.appendingPathComponent("gopath").path + ":" + gocode
            environment["GOCACHE"] = folder.appendingPathComponent("gocache").path
            let out = try await CommandRunner.run("go", ["build", "-o", binary.path, source.path], environment: environment, timeout: .seconds(600))
            guard out.status == 0 else { throw Missing(description: "go build failed: \(out.stderr.suffix(300))") }
            return (binary.path, [], nil)
        case .natsPy:
            guard ExecutableLocator.find("python3") != nil else { throw Missing(description: "no python3: apt-get install -y python3") }
            let check = try await CommandRunner.run("python3", ["-c", "import nats"], timeout: .seconds(30))
            guard check.status == 0 else { throw Missing(description: "nats-py is not installed: python3 -m pip install nats-py") }
            let script = folder.appendingPathComponent("nats_py.py")
            try Data(PackageResources.nats_py_py).write(to: script)
            return ("python3", [script.path], nil)
        }
    }
}

/// The `nats` benchmark's table: each measurement beside the baselines, with the ratios the
/// targets are stated in (round trip ≤ 1.15× the floor, pub/sub ≥ 1.0× nats.go).
struct NATSBenchTable {
    var swift: NATSBaseline.Result
    var baselines: [NATSBaseline: NATSBaseline.Result]

    private struct Row {
        var name: String
        var value: (NATSBaseline.Result) -> Double
        var unit: String
        var higherIsBetter: Bool
        var target: (baseline: NATSBaseline, ratio: Double)
    }

    private var rows: [Row] {
        [
            Row(name: "pub/sub 16 B", value: \.small, unit: "M msgs/s", higherIsBetter: true, target: (.natsGo, 1.0)),
            Row(name: "pub/sub 1 KiB", value: \.large, unit: "M msgs/s", higherIsBetter: true, target: (.natsGo, 1.0)),
            Row(name: "request/reply median", value: \.rttMicroseconds, unit: "µs", higherIsBetter: false, target: (.floor, 1.15)),
        ]
    }

    private func format(_ value: Double, _ unit: String) -> String {
        unit == "µs" ? String(format: "%.0f µs", value) : String(format: "%.2f M/s", value / 1e6)
    }

    func render() -> String {
        var lines = [["measurement", "Swift", "floor", "nats.go", "nats-py", "Swift/floor", "Swift/nats.go", "target", "met"]]
        for row in rows {
            let mine = row.value(swift)
            var line = [row.name, format(mine, row.unit)]
            for baseline in NATSBaseline.allCases { line.append(baselines[baseline].map { format(row.value($0), row.unit) } ?? "missing") }
            for baseline in [NATSBaseline.floor, .natsGo] {
                line.append(baselines[baseline].map { String(format: "%.2fx", mine / row.value($0)) } ?? "-")
            }
            line.append("\(row.higherIsBetter ? "≥" : "≤") \(String(format: "%.2f", row.target.ratio))× \(row.target.baseline.rawValue)")
            line.append(met(row).map { $0 ? "yes" : "NO" } ?? "-")
            lines.append(line)
        }
        let widths = (0..<lines[0].count).map { column in lines.map { $0[column].count }.max()! + 2 }
        return lines.map { line in zip(line, widths).map { $0.padding(toLength: $1, withPad: " ", startingAt: 0) }.joined() }.joined(separator: "\n")
    }

    private func met(_ row: Row) -> Bool? {
        guard let baseline = baselines[row.target.baseline] else { return nil }
        let ratio = row.value(swift) / row.value(baseline)
        return row.higherIsBetter ? ratio >= row.target.ratio : ratio <= row.target.ratio
    }

    func json(missing: [NATSBaseline: String]) -> JSONValue {
        func numbers(_ r: NATSBaseline.Result) -> JSONValue {
            ["pubsub_16b_msgs_per_s": .number(r.small), "pubsub_1k_msgs_per_s": .number(r.large), "request_reply_median_us": .number(r.rttMicroseconds)]
        }
        var doc: [String: JSONValue] = ["swift": numbers(swift)]
        for baseline in NATSBaseline.allCases {
            doc[baseline.rawValue] = baselines[baseline].map(numbers) ?? ["missing": .string(missing[baseline] ?? "not run")]
        }
        var ratios: [String: JSONValue] = [:]
        for row in rows {
            var entry: [String: JSONValue] = ["target": .string("\(row.higherIsBetter ? ">=" : "<=") \(row.target.ratio)x \(row.target.baseline.rawValue)")]
            for baseline in [NATSBaseline.floor, .natsGo] {
                if let b = baselines[baseline] { entry["to_\(baseline == .floor ? "floor" : "nats_go")"] = .number(row.value(swift) / row.value(b)) }
            }
            if let met = met(row) { entry["met"] = .bool(met) }
            ratios[row.name] = .object(entry)
        }
        doc["ratios"] = .object(ratios)
        return .object(doc)
    }
}
