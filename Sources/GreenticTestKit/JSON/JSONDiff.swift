
/// Computes structural differences between JSON values (objects by key, arrays by index).
public enum JSONDiff {
    public static func differences(expected: JSONValue, actual: JSONValue, path: String = "$") -> [JSONDifference] {
        var out: [JSONDifference] = []
        collect(expected, actual, path, &out)
        return out
    }

    /// A multi-line report of at most `limit` differences.
    public static func report(expected: JSONValue, actual: JSONValue, limit: Int = 20) -> String {
        let diffs = differences(expected: expected, actual: actual)
        if diffs.isEmpty { return "no differences" }
        var lines = diffs.prefix(limit).map { "  " + $0.description }
        if diffs.count > limit { lines.append("  … and \(diffs.count - limit) more") }
        return lines.joined(separator: "\n")
    }

    private static func collect(_ e: JSONValue, _ a: JSONValue, _ path: String, _ out: inout [JSONDifference]) {
        switch (e, a) {
        case (.object(let eo), .object(let ao)):
            for key in Set(eo.keys).union(ao.keys).sorted() {
                let child = path + "." + key
                switch (eo[key], ao[key]) {
                case (let ev?, let av?): collect(ev, av, child, &out)
                case (let ev?, nil): out.append(.init(path: child, kind: .missing, expected: ev, actual: nil))
                case (nil, let av?): out.append(.init(path: child, kind: .unexpected, expected: nil, actual: av))
                case (nil, nil): break
                }
            }
        case (.array(let ea), .array(let aa)):
            for i in 0..<max(ea.count, aa.count) {
                let child = "\(path)[\(i)]"
                if i < ea.count, i < aa.count {
                    collect(ea[i], aa[i], child, &out)
                } else if i < ea.count {
                    out.append(.init(path: child, kind: .missing, expected: ea[i], actual: nil))
                } else {
                    out.append(.init(path: child, kind: .unexpected, expected: nil, actual: aa[i]))
                }
            }
        default:
            if e != a { out.append(.init(path: path, kind: .changed, expected: e, actual: a)) }
        }
    }
}
