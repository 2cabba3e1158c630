import Foundation
import GreenticTestKit

/// One pack found under the packs root: its `pack.json` id, name and kind, and its folder.
package struct PackEntry: Sendable, Equatable {
    public var id: String
    public var name: String?
    public var kind: String?
    /// Absolute, canonical folder path.
    public var path: String
    /// The whole manifest as read.
    public var manifest: JSONValue

    public init(id: String, name: String?, kind: String?, path: String, manifest: JSONValue = .object([:])) {
        self.id = id
        self.name = name
        self.kind = kind
        self.path = path
        self.manifest = manifest
    }

    /// `{"id","name","kind"?,"path"}`: `kind` omitted when absent, as the original.
    public var listingJSON: OrderedJSON {
        var members: [(String, OrderedJSON)] = [("id", .string(id)), ("name", .string(name))]
        if let kind { members.append(("kind", .string(kind))) }
        members.append(("path", .string(path)))
        return .object(members)
    }
}
