import GreenticTestKit

/// The methods each documented path answers, read from the OpenAPI document the server serves,
/// so that a known path called with another method gets 405 with `Allow` (not 404).
struct AllowedMethods: Sendable {
    /// Path templates split at `/` (`{id}` matches any one segment) and their methods.
    private let routes: [(segments: [Substring], methods: [String])]

    init(document: JSONValue) {
        let paths = document["paths"]?.objectValue ?? [:]
        routes = paths.keys.sorted().map { path in
            let methods = (paths[path]?.objectValue ?? [:]).keys.map { $0.uppercased() }.sorted()
            return (path.split(separator: "/", omittingEmptySubsequences: false), methods)
        }
    }

    /// The methods of the documented path `path` matches; empty for an unknown path.
    func methods(for path: String) -> [String] {
        let segments = path.split(separator: "/", omittingEmptySubsequences: false)
        var out: Set<String> = []
        for route in routes where route.segments.count == segments.count {
            let matches = zip(route.segments, segments).allSatisfy { template, segment in
                template.hasPrefix("{") && template.hasSuffix("}") ? !segment.isEmpty : template == segment
            }
            if matches { out.formUnion(route.methods) }
        }
        return out.sorted()
    }
}
