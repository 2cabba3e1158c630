/// Configuration layers merged in precedence order: defaults < user < project < env < cli.
///
/// Objects merge key by key, recursively; anything else in a higher layer replaces the lower
/// value (arrays are replaced, and an explicit `null` replaces too). Absent layers are skipped.
package struct ConfigLayers: Sendable, Equatable {
    public var defaults: JSONValue
    public var user: JSONValue?
    public var project: JSONValue?
    public var env: JSONValue?
    public var cli: JSONValue?

    public init(defaults: JSONValue = .object([:]), user: JSONValue? = nil, project: JSONValue? = nil,
                env: JSONValue? = nil, cli: JSONValue? = nil) {
        self.defaults = defaults
        self.user = user
        self.project = project
        self.env = env
        self.cli = cli
    }

    public func merged() -> JSONValue {
        var result = defaults
        for layer in [user, project, env, cli] {
            if let layer { result = Self.merge(result, layer) }
        }
        return result
    }

    /// Which layer supplied the value at a dotted path in the merged result ("cli", "env", …).
    public func source(ofPath path: String) -> String? {
        let named: [(String, JSONValue?)] = [("cli", cli), ("env", env), ("project", project), ("user", user), ("defaults", defaults)]
        for (name, layer) in named {
            if layer?.value(atPath: path) != nil { return name }
        }
        return nil
    }

    public static func merge(_ base: JSONValue, _ overlay: JSONValue) -> JSONValue {
        guard case .object(var b) = base, case .object(let o) = overlay else { return overlay }
        for (key, value) in o {
            b[key] = b[key].map { merge($0, value) } ?? value
        }
        return .object(b)
    }
}
