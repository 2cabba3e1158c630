import GreenticTestKit

/// The methods each known path answers (read from an OpenAPI document, or listed), so that a
/// known path called with another method gets 405 with `Allow` (not 404).
package struct AllowedMethods: Sendable {
    /// Path templates split at `/` (`{id}` matches any one segment) and their methods.
    private let routes: [(segments: [Substring], methods: [String])]

    /// The paths and methods of an OpenAPI document's `paths`.
    package init(document: JSONValue) {
        let paths = document["paths"]?.objectValue ?? [:]
        self.init(paths: paths.mapValues { ($0.objectValue ?? [:]).keys.map { $0.uppercased() } })
    }

    /// Path templates and the methods each answers.
    package init(paths: [String: [String]]) {
        routes = paths.keys.sorted().map { path in
            (path.split(separator: "/", omittingEmptySubsequences: false), (paths[path] ?? []).map { $0.uppercased() }.sorted())
        }
    }

    /// The methods of the documented path `path` matches; empty for an unknown path.
    package func methods(for path: String) -> [String] {
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
