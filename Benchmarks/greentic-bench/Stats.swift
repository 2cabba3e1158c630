import Foundation

/// Samples of one measurement, in milliseconds.
struct Samples {
    var name: String
    var values: [Double]

    var median: Double { percentile(50) }
    var p90: Double { percentile(90) }

    func percentile(_ p: Double) -> Double {
        guard !values.isEmpty else { return .nan }
        let sorted = values.sorted()
        let rank = p / 100 * Double(sorted.count - 1)
        let lo = Int(rank.rounded(.down)), hi = Int(rank.rounded(.up))
        return sorted[lo] + (sorted[hi] - sorted[lo]) * (rank - Double(lo))
    }
}

/// Prints a table of samples with ratios against a baseline row.
enum Report {
    static func table(_ rows: [(Samples, baseline: Samples?, target: String)]) -> String {
        func pad(_ s: String, _ n: Int, left: Bool = false) -> String {
            let fill = String(repeating: " ", count: max(0, n - s.count))
            return left ? fill + s : s + fill
        }
        var out = pad("measurement", 46) + pad("runs", 6, left: true) + pad("median", 11, left: true)
            + pad("p90", 11, left: true) + pad("ratio", 9, left: true) + "  target\n"
        for (s, baseline, target) in rows {
            let ratio = baseline.map { String(format: "%.2fx", s.median / $0.median) } ?? "-"
            out += pad(s.name, 46) + pad("\(s.values.count)", 6, left: true)
                + pad(String(format: "%.1f ms", s.median), 11, left: true) + pad(String(format: "%.1f ms", s.p90), 11, left: true)
                + pad(ratio, 9, left: true) + "  " + target + "\n"
        }
        return out
    }

    static func json(_ rows: [(Samples, baseline: Samples?, target: String)]) -> String {
        let items = rows.map { s, b, target -> String in
            let ratio = b.map { String(format: "%.3f", s.median / $0.median) } ?? "null"
            return String(format: "{\"name\":\"%@\",\"runs\":%d,\"median_ms\":%.3f,\"p90_ms\":%.3f,\"ratio\":%@,\"target\":\"%@\"}",
                          s.name as NSString, s.values.count, s.median, s.p90, ratio as NSString, target as NSString)
        }
        return "[" + items.joined(separator: ",") + "]\n"
    }
}

func milliseconds(_ d: Duration) -> Double {
    Double(d.components.seconds) * 1000 + Double(d.components.attoseconds) / 1e15
}

/// One measured figure with its unit, an optional baseline measured in the same run, and the
/// target it is held to (for throughputs, sizes and anything that is not a latency sample set).
struct Metric {
    var name: String
    var value: Double
    var unit: String
    var baseline: Double?
    var target: String

    var ratio: Double? { baseline.map { value / $0 } }
}

extension Report {
    static func metrics(_ rows: [Metric]) -> String {
        func pad(_ s: String, _ n: Int, left: Bool = false) -> String {
            let fill = String(repeating: " ", count: max(0, n - s.count))
            return left ? fill + s : s + fill
        }
        func format(_ v: Double, _ unit: String) -> String { String(format: v >= 100 ? "%.0f %@" : "%.2f %@", v, unit as NSString) }
        var out = pad("measurement", 52) + pad("value", 20, left: true) + pad("baseline", 20, left: true) + pad("ratio", 9, left: true) + "  target\n"
        for m in rows {
            out += pad(m.name, 52) + pad(format(m.value, m.unit), 20, left: true)
                + pad(m.baseline.map { format($0, m.unit) } ?? "-", 20, left: true)
                + pad(m.ratio.map { String(format: "%.2fx", $0) } ?? "-", 9, left: true) + "  " + m.target + "\n"
        }
        return out
    }

    static func json(_ rows: [Metric]) -> String {
        let items = rows.map { m in
            String(format: "{\"name\":\"%@\",\"value\":%.4f,\"unit\":\"%@\",\"baseline\":%@,\"ratio\":%@,\"target\":\"%@\"}",
                   m.name as NSString, m.value, m.unit as NSString, (m.baseline.map { String(format: "%.4f", $0) } ?? "null") as NSString,
                   (m.ratio.map { String(format: "%.4f", $0) } ?? "null") as NSString, m.target as NSString)
        }
        return "[" + items.joined(separator: ",") + "]\n"
    }
}
